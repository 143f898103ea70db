import type { FindingKind } from '@runlens/schemas';
import type { FindingDraft } from './detector.ts';

interface Explains {
  readonly cause: FindingKind;
  readonly consequence: FindingKind;
  /** Only when the consequence says this (its evidence); always when absent. */
  readonly when?: (consequence: FindingDraft) => boolean;
}

/** A CPU-bound run using well under its allocation: the low utilisation says the same, and leads. */
const partOfAllocation = (f: FindingDraft): boolean => Number(f.evidence.cpu_cores_mean) < Number(f.evidence.alloc_cores) - 0.5;

/**
 * Findings that explain another: when both hold at once, the cause leads and the consequence
 * is attached to it, so the verdict gives one consistent piece of advice. Low utilisation
 * next to interference would otherwise advise "request fewer cores" to a user whose cores
 * someone else took; a run slower than its history because someone else took its cores is
 * the interference's doing; a serial code pegging one of its cores is low utilisation, and
 * its compute-bound core is the evidence.
 */
export const EXPLAINS: readonly Explains[] = [
  { cause: 'cpu_interference', consequence: 'low_cpu_utilization' },
  { cause: 'io_bound', consequence: 'low_cpu_utilization' },
  { cause: 'memory_pressure', consequence: 'low_cpu_utilization' },
  { cause: 'gpu_bound', consequence: 'low_cpu_utilization' },
  // Unless the regression itself names storage or memory as what changed.
  { cause: 'cpu_interference', consequence: 'regression', when: (f) => f.evidence.cause === 'cpu' || f.evidence.cause === 'unknown' },
  { cause: 'low_cpu_utilization', consequence: 'cpu_bound', when: partOfAllocation },
];

const SEVERITY = { info: 0, warning: 1, critical: 2 } as const;

const overlaps = (a: FindingDraft, b: FindingDraft): boolean => a.start_ts <= b.end_ts && b.start_ts <= a.end_ts;

/** The cause of `f` among `drafts`, if one explains it: same run, overlapping in time. */
function causeOf(f: FindingDraft, drafts: readonly FindingDraft[]): FindingDraft | undefined {
  const kinds = EXPLAINS.filter((e) => e.consequence === f.kind && (e.when?.(f) ?? true)).map((e) => e.cause);
  return drafts.find((c) => c !== f && kinds.includes(c.kind) && overlaps(c, f));
}

/** The cause that leads `f`: its cause's cause, and so on (a chain never loops back). */
function rootCauseOf(f: FindingDraft, drafts: readonly FindingDraft[]): FindingDraft | undefined {
  const seen = new Set<FindingDraft>([f]);
  let root: FindingDraft | undefined;
  for (let c = causeOf(f, drafts); c && !seen.has(c); c = causeOf(c, drafts)) {
    seen.add(c);
    root = c;
  }
  return root;
}

/** Drafts with every explained consequence folded into the cause that leads it (evidence, severity). */
export function leadWithCauses(drafts: readonly FindingDraft[]): FindingDraft[] {
  const folded = new Map<FindingDraft, FindingDraft[]>();
  const kept: FindingDraft[] = [];
  for (const f of drafts) {
    const cause = rootCauseOf(f, drafts);
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
