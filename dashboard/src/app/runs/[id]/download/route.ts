import { cookies } from 'next/headers';
import { SESSION_COOKIE, canSeeAll, runOwner } from '@runlens/schemas';
import { dashboardContext } from '../../../../server/context.ts';

/** GET /runs/:id/download?format=json|html: the run report as a file, for its owner (or ops/admin). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id: runId } = await params;
  const ctx = dashboardContext();
  const me = ctx.verifySession((await cookies()).get(SESSION_COOKIE)?.value);
  if (!me) return new Response('sign in first\n', { status: 401 });
  const owner = await runOwner(ctx.store, runId);
  if (owner === null) return new Response('no such run\n', { status: 404 });
  if (!canSeeAll(me) && owner !== me.user) return new Response('not your run\n', { status: 403 });
  const report = await ctx.buildReport(ctx.store, runId);
  if (!report) return new Response('no such run\n', { status: 404 });
  const html = new URL(req.url).searchParams.get('format') === 'html';
  return new Response(html ? await ctx.renderHtml(report) : JSON.stringify(report, null, 2), {
    headers: {
      'content-type': html ? 'text/html; charset=utf-8' : 'application/json',
      'content-disposition': `attachment; filename="runlens-${runId}.${html ? 'html' : 'json'}"`,
    },
  });
}
