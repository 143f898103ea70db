import type { RunReport } from '@runlens/schemas';
import { availableParallelism } from 'node:os';
import { expect } from 'vitest';

/**
 * A one-core CPU burner's report on a machine other work shares (2 cores, several builds):
 * the burner got at least `minCores` on average, or the report says who took the rest. Either
 * RunLens named it (`cpu_interference`), or the report's timeline shows processes outside the
 * run filling the machine's other CPUs: outside CPU ≥ OUTSIDE_FILL of (CPUs − 1) on average, so
 * the burner had to share its core. A short run can lose a quarter of its core to load that
 * comes and goes in fewer ticks than cpu_interference needs (3, and 40% of the run), and the
 * timeline still shows that load. Broken monitoring fails both: no samples, or the burner
 * counted as outside load (then its own cores are near 0 and cpu_bound is missing, which the
 * callers check). Returns how it passed, for the test's log.
 */
export function expectBurnerCoresOrOutsideLoad(report: RunReport, minCores: number): string {
  const got = report.summary.cpu_cores_mean;
  if (got > minCores) return `burner got ${got.toFixed(2)} cores`;
  if (report.findings.some((f) => f.kind === 'cpu_interference')) return `burner got ${got.toFixed(2)} cores; cpu_interference named the rest`;
  const points = (report.timeline?.outside_cpu ?? []).filter((s) => report.run.hosts.includes(s.host)).flatMap((s) => s.points.map((p) => p.value))
    .filter((v): v is number => v !== null);
  const outside = points.length > 0 ? points.reduce((a, b) => a + b, 0) / points.length : 0;
  const fill = OUTSIDE_FILL * Math.max(1, availableParallelism() - 1);
  expect(outside, `the burner got ${got.toFixed(2)} cores (< ${minCores}) with no cpu_interference; so outside CPU must fill the other CPUs (≥ ${fill.toFixed(2)} cores)`)
    .toBeGreaterThanOrEqual(fill);
  return `burner got ${got.toFixed(2)} cores; outside processes used ${outside.toFixed(2)} cores on average`;
}

/** The share of the machine's other CPUs that outside processes must use to explain a burner's shortfall. */
export const OUTSIDE_FILL = 0.8;
