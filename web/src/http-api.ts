import { buildReport, renderHtml } from '@runlens/analyzer';
import type { Store } from '@runlens/pipeline';
import type { Logger } from '@runlens/schemas';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { type Identity, SESSION_COOKIE, canSeeAll } from '@runlens/schemas';
import { Sessions, authenticate, cookieValue, loadTokens, loadUsers, sessionCookie, signIn } from './api-auth.ts';
import { type DashboardHandle, startDashboard } from './dashboard-host.ts';

interface RunListRow { run_id: string; app: string; user: string; status: string; start_ms: number; end_ms: number | null; exit_code: number | null; cmd: string }

/**
 * One HTTP server on 127.0.0.1: the bearer-token API (GET /api/runs, GET /api/runs/:id/report),
 * sign-in for the web UI (POST /auth/login, /auth/logout) and the Next.js dashboard, which runs
 * in this process and reads the same Store. The API answers at once; the dashboard answers 503
 * until Next is built and prepared.
 */
export function serveApi(store: Store, tokensPath: string, port: number, log: Logger, host = '127.0.0.1'): Server {
  const dir = dirname(tokensPath);
  const tokens = loadTokens(tokensPath);
  const { users, created } = loadUsers(join(dir, 'users.json'));
  if (created) log.info('created dashboard admin; sign in with this one-time login (user:pass), shown only now', { one_time_login: `${created.user}:${created.password}`, users_file: join(dir, 'users.json') });
  const sessions = new Sessions(join(dir, 'session-secret'), users);
  const dashboard: DashboardHandle = startDashboard({ store, verifySession: (c) => sessions.verify(c), buildReport, renderHtml }, log);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/healthz') return send(200, { ok: true, dashboard: dashboard.state() });
    if (url.pathname.startsWith('/auth/')) return void authRoute(req, res, url, users, sessions).catch((e: unknown) => send(500, { error: String(e) }));
    if (url.pathname.startsWith('/api/')) {
      const id = authenticate(req.headers.authorization, tokens) ?? sessions.verify(cookieValue(req.headers.cookie, SESSION_COOKIE));
      if (!id) return send(401, { error: 'missing or invalid bearer token' });
      return void route(store, id, req.method ?? '', url.pathname).then(([code, body]) => send(code, body), (e: unknown) => send(500, { error: String(e) }));
    }
    return void dashboard.handle(req, res);
  });
  server.on('close', () => void dashboard.close());
  return server.listen(port, host);
}


async function authRoute(req: IncomingMessage, res: ServerResponse, url: URL, users: Parameters<typeof signIn>[0], sessions: Sessions): Promise<void> {
  const redirect = (to: string, cookie?: string): void => {
    res.writeHead(303, { location: to, ...(cookie ? { 'set-cookie': cookie } : {}) });
    res.end();
  };
  if (req.method !== 'POST') return redirect('/login');
  if (url.pathname === '/auth/logout') return redirect('/login', sessionCookie('', 0));
  if (url.pathname !== '/auth/login') return redirect('/login');
  const form = new URLSearchParams(await readBody(req, 8192));
  const id = signIn(users, form.get('user') ?? '', form.get('password') ?? '');
  const next = form.get('next') ?? '';
  // Only same-site paths: never an open redirect.
  const target = /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/runs';
  if (!id) return redirect(`/login?error=1${next ? `&next=${encodeURIComponent(target)}` : ''}`);
  return redirect(target, sessionCookie(sessions.issue(id)));
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString('utf8');
      if (body.length > limit) req.destroy(new Error('request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

async function route(store: Store, id: Identity, method: string, path: string): Promise<[number, unknown]> {
  if (method !== 'GET') return [405, { error: 'method not allowed' }];
  if (path === '/api/runs') return [200, { runs: await listRuns(store, id) }];
  const m = /^\/api\/runs\/([A-Za-z0-9_-]+)\/report$/.exec(path);
  if (!m?.[1]) return [404, { error: 'not found' }];
  const owner = await store.query<{ user: string }>('SELECT user FROM runs FINAL WHERE run_id = {id:String}', { id: m[1] });
  if (!owner[0]) return [404, { error: 'no such run' }];
  if (!canSeeAll(id) && owner[0].user !== id.user) return [403, { error: 'not your run' }];
  return [200, await buildReport(store, m[1])];
}

async function listRuns(store: Store, id: Identity): Promise<RunListRow[]> {
  return store.query<RunListRow>(
    `SELECT run_id, app, user, status, ${store.sql.ms('start_ts')} AS start_ms,
            if(isNull(end_ts), NULL, ${store.sql.ms('assumeNotNull(end_ts)')}) AS end_ms, exit_code, cmd
     FROM runs FINAL WHERE {all:Bool} OR user = {user:String} ORDER BY start_ts DESC LIMIT 500`,
    { all: canSeeAll(id), user: id.user });
}
