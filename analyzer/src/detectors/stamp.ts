import type { Finding } from '@runlens/schemas';
import type { FindingDraft } from './detector.ts';

/**
 * A draft becomes a finding of a run; the id is stable for an episode (kind, scope, start). A
 * finding learned after the run's verdict was frozen gets an id of its own, so it never replaces
 * a row of the verdict.
 */
export function stampFinding(runId: string, d: FindingDraft, afterEnd = false): Finding {
  const id = `${d.kind}:${d.scope}:${d.scope_id}:${d.start_ts}`;
  return { ...d, run_id: runId, phase: d.phase ?? null, finding_id: afterEnd ? `${id}:after_end` : id, after_end: afterEnd ? 1 : 0 };
}
