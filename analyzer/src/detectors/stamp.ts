import type { Finding } from '@runlens/schemas';
import type { FindingDraft } from './detector.ts';

/** A draft becomes a finding of a run; the id is stable for an episode (kind, scope, start). */
export function stampFinding(runId: string, d: FindingDraft): Finding {
  return { ...d, run_id: runId, phase: d.phase ?? null, finding_id: `${d.kind}:${d.scope}:${d.scope_id}:${d.start_ts}` };
}
