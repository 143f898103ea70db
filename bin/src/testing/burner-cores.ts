import type { RunReport } from '@runlens/schemas';
import { availableParallelism } from 'node:os';
import { expect } from 'vitest';

/**
 * A one-core CPU burner's report on a machine other work shares (2 cores, several builds):
 * monitoring worked when the burner (`comm`) was sampled as the run's process and the verdict
 * explains its CPU: `cpu_bound`, or `cpu_interference` naming who took its core (it fires only
 * for a run that wants ≥ 0.3 cores, so never for a run whose processes were missed). And it got
 * at least `minCores` on average, or the report says who took the rest: cpu_interference, or
 * the report's timeline shows processes outside the run filling the machine's other CPUs
 * (outside CPU ≥ OUTSIDE_FILL of (CPUs − 1) on average), so the burner had to share its core: a
 * short run can lose a quarter of its core to load that comes and goes in fewer ticks than
 * cpu_interference needs (3, and 40% of the run). Returns how it passed, for the test's log.
 */
export function expectBurnerVerdict(report: RunReport, comm: string, minCores: number): string {
  const kinds = report.findings.map((f) => f.kind);
  const burner = report.summary.top_processes.find((p) => p.comm.startsWith(comm));
  expect(burner?.cpu_s ?? 0, `${comm} sampled as the run's process`).toBeGreaterThan(0);
  expect(kinds.includes('cpu_bound') || kinds.includes('cpu_interference'), `cpu_bound, or cpu_interference naming who took the core (got ${kinds.join(', ')})`).toBe(true);
  const got = report.summary.cpu_cores_mean;
  const verdict = kinds.filter((k) => k === 'cpu_bound' || k === 'cpu_interference').join(' + ');
  if (got > minCores) return `${verdict}; burner got ${got.toFixed(2)} cores`;
  if (kinds.includes('cpu_interference')) return `${verdict}; burner got ${got.toFixed(2)} cores, cpu_interference named the rest`;
  const points = (report.timeline?.outside_cpu ?? []).filter((s) => report.run.hosts.includes(s.host)).flatMap((s) => s.points.map((p) => p.value))
    .filter((v): v is number => v !== null);
  const outside = points.length > 0 ? points.reduce((a, b) => a + b, 0) / points.length : 0;
  const fill = OUTSIDE_FILL * Math.max(1, availableParallelism() - 1);
  expect(outside, `the burner got ${got.toFixed(2)} cores (< ${minCores}) with no cpu_interference; so outside CPU must fill the other CPUs (≥ ${fill.toFixed(2)} cores)`)
    .toBeGreaterThanOrEqual(fill);
  return `${verdict}; burner got ${got.toFixed(2)} cores, outside processes used ${outside.toFixed(2)} cores on average`;
}

/** The share of the machine's other CPUs that outside processes must use to explain a burner's shortfall. */
export const OUTSIDE_FILL = 0.8;
