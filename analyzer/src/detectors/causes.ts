import type { FindingKind } from '@runlens/schemas';
import type { FindingDraft } from './detector.ts';

/**
 * Findings that explain another: when both hold at once, the cause leads and the consequence
 * is attached to it, so the verdict gives one consistent piece of advice. Low utilisation
 * next to interference would otherwise advise "request fewer cores" to a user whose cores
 * someone else took.
 */
export const EXPLAINS: readonly { readonly cause: FindingKind; readonly consequence: FindingKind }[] = [
  { cause: 'cpu_interference', consequence: 'low_cpu_utilization' },
  { cause: 'io_bound', consequence: 'low_cpu_utilization' },
  { cause: 'memory_pressure', consequence: 'low_cpu_utilization' },
  { cause: 'gpu_bound', consequence: 'low_cpu_utilization' },
];

const SEVERITY = { info: 0, warning: 1, critical: 2 } as const;

const overlaps = (a: FindingDraft, b: FindingDraft): boolean => a.start_ts <= b.end_ts && b.start_ts <= a.end_ts;

/** The cause of `f` among `drafts`, if one explains it: same run, overlapping in time. */
function causeOf(f: FindingDraft, drafts: readonly FindingDraft[]): FindingDraft | undefined {
  const kinds = EXPLAINS.filter((e) => e.consequence === f.kind).map((e) => e.cause);
  return drafts.find((c) => kinds.includes(c.kind) && overlaps(c, f));
}

/** Drafts with every explained consequence folded into its cause (evidence, severity). */
export function leadWithCauses(drafts: readonly FindingDraft[]): FindingDraft[] {
  const folded = new Map<FindingDraft, FindingDraft[]>();
  const kept: FindingDraft[] = [];
  for (const f of drafts) {
    const cause = causeOf(f, drafts);
    if (cause) folded.set(cause, [...(folded.get(cause) ?? []), f]);
    else kept.push(f);
  }
  return kept.map((f) => {
    const consequences = folded.get(f);
    if (!consequences) return f;
    const severity = [f, ...consequences].reduce((s, c) => (SEVERITY[c.severity] > SEVERITY[s] ? c.severity : s), f.severity);
    const explains = consequences.map((c) => c.kind).join(',');
    const detail = consequences.map((c) => c.message).join(' | ');
    return { ...f, severity, evidence: { ...f.evidence, explains, explains_detail: detail }, message: `${f.message}; this explains: ${detail}` };
  });
}
