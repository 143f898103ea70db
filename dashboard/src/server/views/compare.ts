import type { Store } from '@runlens/pipeline';
import { type Identity, type SummaryRow, processBuckets, runById } from '@runlens/schemas';
import { loadBaseline } from '@runlens/analyzer/model/baseline';
import { type HostSeries, type Point, bucketMs, rowsToSeries } from '@runlens/analyzer/charts/series';
import { elapsedTotal } from '../../charts/compare.ts';

/** Earlier runs offered for comparison at most. */
const EARLIER_SHOWN = 20;

export interface ComparedRun { readonly summary: SummaryRow; readonly start_ms: number; readonly cpu: Point[] }

export interface RunComparison {
  /** The run's baseline (analyzer model/baseline.ts) as this identity may see it: newest first. */
  readonly earlier: readonly SummaryRow[];
  /** The earlier run drawn beside this one: the one asked for, else the newest. */
  readonly chosen: ComparedRun | null;
  /** This run's CPU over all hosts, against seconds since its start. */
  readonly current: Point[];
}

export interface ComparedScope { readonly run_id: string; readonly app: string; readonly cmd: string; readonly start_ms: number }

/**
 * This run against an earlier run of the same app and command: the earlier runs are the run's
 * one baseline (never a second definition of "earlier"), narrowed to what `id` may see; the
 * chosen one's CPU is read at its own bucket width and lined up by seconds since start.
 */
export async function compareWithEarlier(store: Store, id: Identity, run: ComparedScope, cpu: readonly HostSeries[], pick?: string): Promise<RunComparison> {
  const earlier = await loadBaseline(store, run, EARLIER_SHOWN, id);
  const current = elapsedTotal(cpu, run.start_ms);
  const summary = earlier.find((r) => r.run_id === pick) ?? earlier[0];
  const rec = summary ? await runById(store, summary.run_id) : null;
  if (!summary || !rec) return { earlier, chosen: null, current };
  const end = rec.end_ms ?? rec.start_ms + summary.wall_s * 1000;
  const scope = { run_id: rec.run_id, hosts: rec.hosts, start_ms: rec.start_ms, end_ms: end };
  const rows = await processBuckets(store, scope, bucketMs(end - rec.start_ms));
  return { earlier, chosen: { summary, start_ms: rec.start_ms, cpu: elapsedTotal(rowsToSeries(rows.cpu), rec.start_ms) }, current };
}
