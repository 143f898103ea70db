import type { FindingKind } from '@runlens/schemas';
import type { Seen } from './harness.ts';
import type { Outcome, Scenario } from './scenario.ts';

export interface ScenarioScore {
  readonly name: string;
  readonly found: FindingKind[];
  readonly missed: FindingKind[];
  readonly falseAlarms: FindingKind[];
  /** Clean runs only: warnings or worse, in the verdict or published live (warningsOfRun). */
  readonly cleanViolations: number;
  readonly latencies: Partial<Record<FindingKind, number>>;
  /** Kinds raised, cleared and raised again on one scope within the run (more than one episode id). */
  readonly flapped: FindingKind[];
}

/**
 * A run's warnings (severity above info), one per kind and scope: those of its verdict and those
 * published live before its end. A live warning the verdict does not confirm is restated as info
 * there, but whoever watched the run (or an alert route) already saw it, so it counts.
 */
export function warningsOfRun(runId: string, verdict: readonly Pick<Seen, 'kind' | 'scope_id' | 'severity'>[], seen: readonly Seen[]): FindingKind[] {
  const live = seen.filter((x) => x.run_id === runId && !x.after_end);
  const keys = new Map([...verdict, ...live].filter((f) => f.severity !== 'info').map((f) => [`${f.kind}|${f.scope_id}`, f.kind]));
  return [...keys.values()];
}

/** Kinds with more than one episode (finding id) on the same scope of one run, before its end. */
export function flappedKinds(runId: string, seen: readonly Seen[]): FindingKind[] {
  const ids = new Map<string, Set<string>>();
  for (const s of seen.filter((x) => x.run_id === runId && !x.after_end)) {
    const k = `${s.kind}|${s.scope_id}`;
    ids.set(k, (ids.get(k) ?? new Set()).add(s.finding_id));
  }
  return [...new Set([...ids].filter(([, v]) => v.size > 1).map(([k]) => k.split('|')[0] as FindingKind))];
}

export function scoreScenario(s: Scenario, runId: string, o: Outcome, seen: readonly Seen[]): ScenarioScore {
  const kinds = [...new Set(o.findings.map((f) => f.kind))];
  const latencies: Partial<Record<FindingKind, number>> = {};
  for (const k of s.expect) {
    const first = seen.filter((x) => x.run_id === runId && x.kind === k).map((x) => x.at).sort((a, b) => a - b)[0];
    if (first !== undefined) latencies[k] = Math.max(0, (first - (o.onset[k] ?? o.start)) / 1000);
  }
  return {
    name: s.name,
    found: s.expect.filter((k) => kinds.includes(k)),
    missed: s.expect.filter((k) => !kinds.includes(k)),
    falseAlarms: kinds.filter((k) => !s.expect.includes(k) && !s.allow.includes(k)),
    cleanViolations: s.clean ? warningsOfRun(runId, o.findings, seen).length : 0,
    latencies, flapped: flappedKinds(runId, seen),
  };
}

export interface KindScore { kind: FindingKind; tp: number; fp: number; fn: number; precision: number; recall: number; f1: number }

export function perKind(scores: readonly ScenarioScore[]): KindScore[] {
  const kinds = new Set<FindingKind>(scores.flatMap((s) => [...s.found, ...s.missed, ...s.falseAlarms]));
  return [...kinds].sort().map((kind) => {
    const tp = scores.filter((s) => s.found.includes(kind)).length;
    const fn = scores.filter((s) => s.missed.includes(kind)).length;
    const fp = scores.filter((s) => s.falseAlarms.includes(kind)).length;
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
    return { kind, tp, fp, fn, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
  });
}

export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? null;
}

/**
 * The scores with cpu_interference taken out of the false alarms of scenarios that start no
 * competitor: on a shared machine the other users' load is real interference (the scenarios' own
 * processes are all in their runs), so this is the table for "the analyzer, not the machine".
 */
export function withoutMachineLoad(scores: readonly ScenarioScore[]): ScenarioScore[] {
  return scores.map((s) => ({ ...s, falseAlarms: s.falseAlarms.filter((k) => k !== 'cpu_interference') }));
}

function macroF1(kinds: readonly KindScore[]): number {
  return kinds.length === 0 ? 0 : kinds.reduce((a, k) => a + k.f1, 0) / kinds.length;
}

export function renderTable(scores: readonly ScenarioScore[]): string {
  const kinds = perKind(scores);
  const lat = scores.flatMap((s) => Object.values(s.latencies));
  const macro = macroF1(kinds);
  const flapped = scores.flatMap((s) => s.flapped.map((k) => `${s.name}:${k}`));
  const lines = [
    '| scenario | expected found | missed | false alarms | clean-run warnings | flapped | latency s |',
    '|---|---|---|---|---:|---|---|',
    ...scores.map((s) => `| ${s.name} | ${s.found.join(', ') || '-'} | ${s.missed.join(', ') || '-'} | ${s.falseAlarms.join(', ') || '-'} | ${s.cleanViolations} | ${s.flapped.join(', ') || '-'} | ${Object.entries(s.latencies).map(([k, v]) => `${k} ${v?.toFixed(1)}`).join(', ') || '-'} |`),
    '',
    '| kind | TP | FP | FN | precision | recall | F1 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...kinds.map((k) => `| ${k.kind} | ${k.tp} | ${k.fp} | ${k.fn} | ${k.precision.toFixed(2)} | ${k.recall.toFixed(2)} | ${k.f1.toFixed(2)} |`),
    '',
    `macro-F1 ${macro.toFixed(2)}; detection latency p50 ${percentile(lat, 50)?.toFixed(1) ?? '-'} s, p95 ${percentile(lat, 95)?.toFixed(1) ?? '-'} s over ${lat.length} detections`,
    `macro-F1 without cpu_interference from other users' load (scenarios starting no competitor): ${macroF1(perKind(withoutMachineLoad(scores))).toFixed(2)}`,
    `flapped: ${flapped.join(', ') || 'none'}; clean-run warnings: ${scores.reduce((a, s) => a + s.cleanViolations, 0)} (clean scenarios only)`,
  ];
  return lines.join('\n');
}
