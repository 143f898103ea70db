import type { Store } from '@runlens/pipeline';
import { type Identity, findingHeadlines, storedFindingKinds, summarisedEfficiencies, visibleAppsAndUsers, visibleRuns } from '@runlens/schemas';
import type { RunListRow } from '@runlens/schemas';
import { rankFindings } from '../format.ts';

export interface RunFilters { readonly app: string; readonly user: string; readonly status: string; readonly since: string; readonly kind: string }

export interface RunListItem {
  readonly run_id: string; readonly app: string; readonly user: string; readonly status: string;
  readonly start_ms: number; readonly end_ms: number | null; readonly exit_code: number | null; readonly cmd: string;
  readonly hosts: number; readonly alloc_cores: number; readonly efficiency: number | null;
  readonly top_finding: { kind: string; severity: string; message: string } | null;
}

const SINCE_MS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

export function parseFilters(q: Record<string, string | string[] | undefined>): RunFilters {
  const one = (k: string): string => { const v = q[k]; return (Array.isArray(v) ? v[0] : v) ?? ''; };
  return { app: one('app'), user: one('user'), status: one('status'), since: one('since'), kind: one('kind') };
}

/** Runs the identity may see, newest first, narrowed by the filters, with efficiency and top finding. */
export async function listRuns(store: Store, id: Identity, f: RunFilters, now = Date.now()): Promise<RunListItem[]> {
  const since = SINCE_MS[f.since];
  const rows = await visibleRuns(store, id, { app: f.app, user: f.user, status: f.status, kind: f.kind, from_ms: since === undefined ? 0 : now - since });
  const ids = rows.map((r) => r.run_id);
  const [top, eff] = await Promise.all([topFindings(store, ids), summarisedEfficiencies(store, ids)]);
  return rows.map((r) => toItem(r, top.get(r.run_id) ?? null, eff.get(r.run_id)));
}

/** The analyzer's efficiency (run_summaries) where it exists, so the list and the run report agree. */
function toItem(r: RunListRow, top: RunListItem['top_finding'], summarised: number | undefined): RunListItem {
  const wall = r.end_ms === null ? null : Math.max(0.001, (r.end_ms - r.start_ms) / 1000);
  const cores = Math.max(1, r.alloc_cores) * Math.max(1, r.n_hosts);
  const eff = summarised ?? (wall !== null && r.cpu_s !== null ? r.cpu_s / (wall * cores) : null);
  return {
    run_id: r.run_id, app: r.app, user: r.user, status: r.status, start_ms: r.start_ms, end_ms: r.end_ms,
    exit_code: r.exit_code, cmd: r.cmd, hosts: r.n_hosts, alloc_cores: r.alloc_cores, efficiency: eff, top_finding: top,
  };
}

async function topFindings(store: Store, ids: readonly string[]): Promise<Map<string, RunListItem['top_finding']>> {
  const out = new Map<string, RunListItem['top_finding']>();
  for (const f of rankFindings(await findingHeadlines(store, ids))) if (!out.has(f.run_id)) out.set(f.run_id, { kind: f.kind, severity: f.severity, message: f.message });
  return out;
}

/** Choices for the filter drop-downs, from what the identity may see. */
export async function filterChoices(store: Store, id: Identity): Promise<{ apps: string[]; users: string[]; kinds: string[] }> {
  const [who, kinds] = await Promise.all([visibleAppsAndUsers(store, id), storedFindingKinds(store)]);
  return { ...who, kinds };
}
