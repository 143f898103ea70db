import type { Store } from '@runlens/pipeline';
import { type RunListItem, listRunItems } from '@runlens/analyzer/report/run-list';
import { type Identity, storedFindingKinds, visibleAppsAndUsers } from '@runlens/schemas';

export type { RunListItem };

export interface RunFilters { readonly app: string; readonly user: string; readonly status: string; readonly since: string; readonly kind: string }

const SINCE_MS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

export function parseFilters(q: Record<string, string | string[] | undefined>): RunFilters {
  const one = (k: string): string => { const v = q[k]; return (Array.isArray(v) ? v[0] : v) ?? ''; };
  return { app: one('app'), user: one('user'), status: one('status'), since: one('since'), kind: one('kind') };
}

/** Runs the identity may see, newest first, narrowed by the page's filters, with efficiency and top finding. */
export async function listRuns(store: Store, id: Identity, f: RunFilters, now = Date.now()): Promise<RunListItem[]> {
  const since = SINCE_MS[f.since];
  return listRunItems(store, id, { app: f.app, user: f.user, status: f.status, kind: f.kind, from_ms: since === undefined ? 0 : now - since });
}

/** Choices for the filter drop-downs, from what the identity may see. */
export async function filterChoices(store: Store, id: Identity): Promise<{ apps: string[]; users: string[]; kinds: string[] }> {
  const [who, kinds] = await Promise.all([visibleAppsAndUsers(store, id), storedFindingKinds(store)]);
  return { ...who, kinds };
}
