import type { Store } from '@runlens/pipeline';
import { type Identity, type SummaryRow, baselineRuns } from '@runlens/schemas';
import { commandFingerprint } from './fingerprint.ts';

export type { SummaryRow };

/** The run being judged: its identity and when it started. */
export interface JudgedRun { readonly run_id: string; readonly app: string; readonly cmd: string; readonly start_ms: number }

/**
 * The one baseline of a run: earlier runs of the same app and command fingerprint (all
 * scales), this run excluded, that ended before this run started, newest first. The report's
 * comparison and the `regression` finding both derive their numbers from it, so they judge
 * against the same runs; the set is fixed when the run starts, so neither a run that
 * overlapped it nor one that finished later can change its verdict after the fact.
 * `visibleTo`: only the runs that identity may see (the dashboard's comparison for a plain user).
 */
export function loadBaseline(store: Store, run: JudgedRun, limit = 200, visibleTo?: Identity): Promise<SummaryRow[]> {
  const scope = { app: run.app, fingerprint: commandFingerprint(run.cmd), exclude_run: run.run_id, ended_before_ms: run.start_ms };
  return baselineRuns(store, visibleTo ? { ...scope, visible_to: visibleTo } : scope, limit);
}
