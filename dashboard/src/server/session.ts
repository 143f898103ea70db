import { cookies } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { type Identity, SESSION_COOKIE, canSeeAll } from '@runlens/schemas';
import { dashboardContext } from './context.ts';

/** The signed-in user of this request; sends the browser to the sign-in page otherwise. */
export async function requireIdentity(): Promise<Identity> {
  const jar = await cookies();
  const id = dashboardContext().verifySession(jar.get(SESSION_COOKIE)?.value);
  if (!id) redirect('/login');
  return id;
}

/** Ops pages: ops and admin only. */
export async function requireOps(): Promise<Identity> {
  const id = await requireIdentity();
  if (!canSeeAll(id)) forbidden();
  return id;
}

/** 403 unless the signed-in user owns the run or may see every run. */
export function assertCanSee(id: Identity, owner: string): void {
  if (!canSeeAll(id) && owner !== id.user) forbidden();
}
