import type { FindingKind } from '@runlens/schemas';
import type { Seen } from './harness.ts';
import type { Outcome, Scenario } from './scenario.ts';

export interface ScenarioScore {
  readonly name: string;
  readonly found: FindingKind[];
  readonly missed: FindingKind[];
  readonly falseAlarms: FindingKind[];
  /** Clean runs only: findings of warning severity or worse. */
  readonly cleanViolations: number;
  readonly latencies: Partial<Record<FindingKind, number>>;
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
    cleanViolations: s.clean ? o.findings.filter((f) => f.severity !== 'info').length : 0,
    latencies,
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

export function renderTable(scores: readonly ScenarioScore[]): string {
  const kinds = perKind(scores);
  const lat = scores.flatMap((s) => Object.values(s.latencies));
  const macro = kinds.length === 0 ? 0 : kinds.reduce((a, k) => a + k.f1, 0) / kinds.length;
  const lines = [
    '| scenario | expected found | missed | false alarms | clean-run warnings | latency s |',
    '|---|---|---|---|---:|---|',
    ...scores.map((s) => `| ${s.name} | ${s.found.join(', ') || '-'} | ${s.missed.join(', ') || '-'} | ${s.falseAlarms.join(', ') || '-'} | ${s.cleanViolations} | ${Object.entries(s.latencies).map(([k, v]) => `${k} ${v?.toFixed(1)}`).join(', ') || '-'} |`),
    '',
    '| kind | TP | FP | FN | precision | recall | F1 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...kinds.map((k) => `| ${k.kind} | ${k.tp} | ${k.fp} | ${k.fn} | ${k.precision.toFixed(2)} | ${k.recall.toFixed(2)} | ${k.f1.toFixed(2)} |`),
    '',
    `macro-F1 ${macro.toFixed(2)}; detection latency p50 ${percentile(lat, 50)?.toFixed(1) ?? '-'} s, p95 ${percentile(lat, 95)?.toFixed(1) ?? '-'} s over ${lat.length} detections`,
  ];
  return lines.join('\n');
}
