import type { Store } from '@runlens/pipeline';
import type { RunReport } from '@runlens/schemas';

export type Role = 'user' | 'ops' | 'admin';
export interface Identity { readonly user: string; readonly role: Role }

/**
 * What the process that hosts the dashboard (`runlens up` or `runlens dashboard`) hands to
 * Next's server code before it serves a request: the one Store, session checking and the
 * report builders. Next runs inside that process, so route handlers and server components
 * read the same store that ingest writes.
 */
export interface DashboardContext {
  readonly store: Store;
  /** The identity a session cookie value proves, or null when absent, forged or expired. */
  verifySession(cookie: string | undefined): Identity | null;
  buildReport(store: Store, runId: string): Promise<RunReport | null>;
  renderHtml(report: RunReport): string;
}

export const SESSION_COOKIE = 'runlens_session';

const KEY = '__runlens';

export function dashboardContext(): DashboardContext {
  const ctx = (globalThis as Record<string, unknown>)[KEY] as DashboardContext | undefined;
  if (!ctx) throw new Error('the dashboard runs inside `runlens up` or `runlens dashboard`, which provide its store');
  return ctx;
}

export function canSeeAll(id: Identity): boolean {
  return id.role === 'ops' || id.role === 'admin';
}
