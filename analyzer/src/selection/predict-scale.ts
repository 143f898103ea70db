import type { StoredScaling } from '@runlens/schemas';
import { powerLawFit, predictAtScale } from '../model/robust.ts';
import { type Interval, type TypeStats, type TypedOutcome, typeStats } from './recommend.ts';

/** A type's runs at the scales it ran, keyed by scale (cores). */
export type RunsByScale = ReadonlyMap<number, readonly (TypedOutcome & { readonly scale: number })[]>;

const scaled = (i: Interval | null, f: number, level: number): Interval | null => (i === null ? null : { lo: Math.min(i.lo * f, i.hi * f), hi: Math.max(i.lo * f, i.hi * f), level });

/**
 * A type's numbers at `target` cores when it has no run there: its best-measured scale's numbers
 * moved along the app model's power law (wall ~ cores^b), the stored exponent of this node type
 * first, else one fitted to its runs here. The wall-time interval carries both the measured
 * median's interval and b ± 1.645·se; without a standard error (two runs) it has level 0 and
 * no pick on it is called sure. Null when the type ran at one scale only and no model has an exponent.
 */
export function predictTypeAtScale(type: string, byScale: RunsByScale, target: number, stored: StoredScaling | undefined, costAt: (wallS: number) => number | null, useMetric: boolean): TypeStats | null {
  const scales = [...byScale].sort((a, b) => b[1].length - a[1].length || Math.abs(Math.log(a[0] / target)) - Math.abs(Math.log(b[0] / target)));
  const [baseScale, baseRuns] = scales[0] ?? [];
  if (baseScale === undefined || !baseRuns) return null;
  const fitted = powerLawFit([...byScale.values()].flat().map((r) => ({ x: r.scale, y: r.wall_s })));
  const fit = stored ? { exponent: stored.scaling_exponent, se: stored.scaling_exponent_se, source: 'app_model' as const } : fitted ? { ...fitted, source: 'runs' as const } : null;
  if (!fit) return null;
  const base = typeStats(type, baseRuns, useMetric);
  const p = predictAtScale({ x: baseScale, y: base.wall_s_median }, fit, target);
  const level = p.level > 0 ? Math.min(p.level, base.wall_s_ci.level) : 0;
  const f = p.value / base.wall_s_median;
  const wallCi = { lo: p.lo * (base.wall_s_ci.lo / base.wall_s_median), hi: p.hi * (base.wall_s_ci.hi / base.wall_s_median), level };
  const cost = costAt(p.value);
  const work = base.metric_median === null ? 1 : (base.metric_median / f) * p.value;
  const unit = cost === null ? null : cost / Math.max(1e-12, work);
  const costCi = cost === null ? null : { lo: costAt(wallCi.lo) ?? cost, hi: costAt(wallCi.hi) ?? cost, level };
  return {
    type, runs: 0, wall_s_median: p.value, wall_s_ci: wallCi, runs_per_hour: 3600 / p.value,
    cost_per_run_median: cost, cost_ci: costCi, runs_per_cost: cost ? 1 / cost : null,
    metric_median: base.metric_median === null ? null : base.metric_median / f, metric_ci: scaled(base.metric_ci, 1 / f, level),
    cost_per_unit_median: unit, cost_per_unit_ci: unit === null || cost === null ? null : scaled(costCi, unit / cost, level), units_per_cost: unit ? 1 / unit : null,
    predicted: { from_scale: baseScale, from_runs: baseRuns.length, exponent: fit.exponent, exponent_se: fit.se, source: fit.source },
  };
}
