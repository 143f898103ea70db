import type { Store } from '@runlens/pipeline';
import { type Identity, type RunListFilter, type RunListRow, findingHeadlines, summarisedEfficiencies, visibleRuns } from '@runlens/schemas';
import { rankFindings } from './format.ts';

/** One line of a run list (the dashboard's Runs page, `runlens runs`): the run, its efficiency and its top finding. */
export interface RunListItem {
  readonly run_id: string; readonly app: string; readonly user: string; readonly status: string;
  readonly start_ms: number; readonly end_ms: number | null; readonly exit_code: number | null; readonly cmd: string;
  readonly hosts: number; readonly alloc_cores: number; readonly efficiency: number | null;
  readonly top_finding: { kind: string; severity: string; message: string } | null;
}

/** Runs the identity may see, newest first, narrowed by the filter, with efficiency and top finding. */
export async function listRunItems(store: Store, id: Identity, filter: Partial<RunListFilter> = {}, limit?: number): Promise<RunListItem[]> {
  const rows = await visibleRuns(store, id, filter, limit);
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
