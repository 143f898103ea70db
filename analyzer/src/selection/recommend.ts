import { median } from '../lib/stats.ts';

/** Fewer runs than this on a type, and nothing is said about that type. */
export const MIN_RUNS_PER_TYPE = 3;
/** The confidence the interval of a median aims for. */
const CI_TARGET = 0.9;

/**
 * One finished run of the work: its node type, wall time, cost (null without a price) and, where
 * the app reports its own throughput (run_metrics), the run's mean of it over time (higher is better).
 */
export interface TypedOutcome { readonly type: string; readonly wall_s: number; readonly cost: number | null; readonly metric?: number | null }

export interface Interval { readonly lo: number; readonly hi: number; readonly level: number }

/** How a type's numbers were had at a scale no run of it used: from the app model's scaling exponent. */
export interface ScalePrediction {
  readonly from_scale: number;
  readonly from_runs: number;
  readonly exponent: number;
  readonly exponent_se: number | null;
  /** 'app_model': the stored exponent of this node type; 'runs': fitted here, the model had none. */
  readonly source: 'app_model' | 'runs';
}

export interface TypeStats {
  readonly type: string;
  readonly runs: number;
  readonly wall_s_median: number;
  readonly wall_s_ci: Interval;
  /** Runs per hour at the median: the app's own throughput on this type when it reports none. */
  readonly runs_per_hour: number;
  readonly cost_per_run_median: number | null;
  readonly cost_ci: Interval | null;
  /** Runs per unit of money: performance per cost. */
  readonly runs_per_cost: number | null;
  /** The app's own throughput (median of its runs' medians), when every run reports it. */
  readonly metric_median: number | null;
  readonly metric_ci: Interval | null;
  /** Cost per unit of work: per run, or per unit of the app's metric (cost / (metric × wall)). */
  readonly cost_per_unit_median: number | null;
  readonly cost_per_unit_ci: Interval | null;
  /** Units of work per unit of money. */
  readonly units_per_cost: number | null;
  /** Set when this type ran no run at the scale asked: the numbers are predicted. */
  readonly predicted: ScalePrediction | null;
}

export interface Pick { readonly type: string; readonly sure: boolean; readonly why: string }

export interface Recommendation {
  readonly verdict: 'recommended' | 'insufficient_data';
  /** What "faster" means: 'wall_s' (the same work's wall time) or the name of the app's metric. */
  readonly performance: string;
  readonly types: readonly TypeStats[];
  readonly fastest: Pick | null;
  readonly cheapest: Pick | null;
  /** What would settle it: "2 more runs on type B". */
  readonly needs: readonly string[];
  readonly comparisons: readonly string[];
}

/** log of the binomial(n, 1/2) probability mass, computed stably. */
function binomHalf(n: number, k: number): number {
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log(n - k + i) - Math.log(i);
  return Math.exp(logC - n * Math.LN2);
}

/**
 * A distribution-free interval for the median: order statistics [x(j), x(n-j+1)], with the
 * widest j whose coverage 1 - 2·P(Bin(n,½) < j) still reaches 90%; with few runs (n < 5) the
 * full range, whose real coverage (75% at n = 3) is reported instead of pretended.
 */
export function medianInterval(values: readonly number[]): Interval {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  let j = 1;
  let tail = binomHalf(n, 0);
  while (j < n / 2 && 1 - 2 * (tail + binomHalf(n, j)) >= CI_TARGET) tail += binomHalf(n, j++);
  return { lo: x[j - 1] ?? NaN, hi: x[n - j] ?? NaN, level: Math.max(0, 1 - 2 * tail) };
}

const all = <T>(xs: readonly (T | null | undefined)[]): T[] | null => (xs.length > 0 && xs.every((x) => x !== null && x !== undefined) ? (xs as T[]) : null);

/** A type's numbers from its runs; `useMetric`: performance is the app's own metric. */
export function typeStats(type: string, outcomes: readonly TypedOutcome[], useMetric: boolean): TypeStats {
  const walls = outcomes.map((o) => o.wall_s);
  const costs = all(outcomes.map((o) => o.cost));
  const metrics = useMetric ? all(outcomes.map((o) => o.metric)) : null;
  const perUnit = costs === null ? null : metrics === null ? costs : outcomes.map((o) => (o.cost ?? 0) / Math.max(1e-12, (o.metric ?? 0) * o.wall_s));
  const wall = median(walls);
  const cost = costs === null ? null : median(costs);
  const unit = perUnit === null ? null : median(perUnit);
  return {
    type, runs: outcomes.length, wall_s_median: wall, wall_s_ci: medianInterval(walls), runs_per_hour: wall > 0 ? 3600 / wall : 0,
    cost_per_run_median: cost, cost_ci: costs === null ? null : medianInterval(costs), runs_per_cost: cost ? 1 / cost : null,
    metric_median: metrics === null ? null : median(metrics), metric_ci: metrics === null ? null : medianInterval(metrics),
    cost_per_unit_median: unit, cost_per_unit_ci: perUnit === null ? null : medianInterval(perUnit), units_per_cost: unit ? 1 / unit : null,
    predicted: null,
  };
}

/** The best type by `value` (lower is better); sure when its interval lies below every other's. */
function pick(types: readonly TypeStats[], value: (t: TypeStats) => number | null, ci: (t: TypeStats) => Interval | null, what: string): Pick | null {
  const ranked = types.filter((t) => value(t) !== null).sort((a, b) => (value(a) ?? 0) - (value(b) ?? 0));
  const best = ranked[0];
  if (!best || ranked.length < 2) return null;
  const overlaps = ranked.slice(1).filter((o) => (ci(best)?.hi ?? Infinity) >= (ci(o)?.lo ?? -Infinity)).map((o) => o.type);
  const level = Math.min(...ranked.map((t) => ci(t)?.level ?? 0));
  if (overlaps.length === 0 && level > 0) return { type: best.type, sure: true, why: `${what}: its ${pct(level)} interval lies clear of every other type's` };
  const why = overlaps.length > 0 ? `its interval overlaps ${overlaps.join(', ')}` : 'a predicted number without an interval';
  return { type: best.type, sure: false, why: `${what} by the medians, but ${why}: not sure` };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
export const ratio = (x: number): string => `${x.toFixed(x >= 10 ? 0 : 1)}×`;
const negate = (i: Interval | null): Interval | null => (i === null ? null : { lo: -i.hi, hi: -i.lo, level: i.level });

/** How much faster `a` ran than `b` (> 1: faster), on the app's metric or its wall time. */
export function speedup(a: TypeStats, b: TypeStats): number {
  return a.metric_median !== null && b.metric_median ? a.metric_median / b.metric_median : b.wall_s_median / a.wall_s_median;
}

function comparisons(types: readonly TypeStats[], fastest: Pick | null): string[] {
  const base = types.find((t) => t.type === fastest?.type);
  if (!base) return [];
  const per = base.metric_median !== null ? 'the cost per unit of work' : 'the cost per run';
  return types.filter((t) => t !== base).map((t) => {
    const speed = `on ${base.type} this app ran ${ratio(speedup(base, t))} faster than on ${t.type}`;
    const cost = base.cost_per_unit_median !== null && t.cost_per_unit_median ? ` at ${ratio(base.cost_per_unit_median / t.cost_per_unit_median)} ${per}` : '';
    return speed + cost;
  });
}

const runsWord = (n: number): string => `${n} more run${n === 1 ? '' : 's'}`;

/** Picks among per-type numbers, measured or predicted: a type counts once it rests on enough runs. */
export function recommendFromStats(types: readonly TypeStats[], performance: string): Recommendation {
  const sorted = [...types].sort((a, b) => speedup(b, a) - 1);
  const basis = (t: TypeStats): number => t.predicted?.from_runs ?? t.runs;
  const needs = sorted.filter((t) => basis(t) < MIN_RUNS_PER_TYPE).map((t) => `${runsWord(MIN_RUNS_PER_TYPE - basis(t))} on type ${t.type}`);
  const eligible = sorted.filter((t) => basis(t) >= MIN_RUNS_PER_TYPE);
  if (eligible.length < 2) {
    const more = sorted.length < 2 ? ['runs on a second node type'] : [];
    return { verdict: 'insufficient_data', performance, types: sorted, fastest: null, cheapest: null, needs: [...needs, ...more], comparisons: [] };
  }
  const byMetric = performance !== 'wall_s';
  const fastest = byMetric
    ? pick(eligible, (t) => (t.metric_median === null ? null : -t.metric_median), (t) => negate(t.metric_ci), `fastest (${performance})`)
    : pick(eligible, (t) => t.wall_s_median, (t) => t.wall_s_ci, 'fastest');
  const cheapest = pick(eligible, (t) => t.cost_per_unit_median, (t) => t.cost_per_unit_ci, byMetric ? 'cheapest per unit of work' : 'cheapest per run');
  const unsure = [fastest, cheapest].some((p) => p && !p.sure) ? [`more runs on ${eligible.map((t) => t.type).join(' and ')} would narrow the intervals`] : [];
  return { verdict: 'recommended', performance, types: sorted, fastest, cheapest, needs: [...needs, ...unsure], comparisons: comparisons(eligible, fastest) };
}

/**
 * Compares node types on the app's own performance and its cost per unit of work: its metric
 * (`metric`, when every run reports it) or else its wall time, one run being one unit of the same work.
 */
export function recommend(outcomes: readonly TypedOutcome[], metric: string | null = null): Recommendation {
  const byType = new Map<string, TypedOutcome[]>();
  for (const o of outcomes) byType.set(o.type, [...(byType.get(o.type) ?? []), o]);
  const useMetric = metric !== null && outcomes.length > 0 && outcomes.every((o) => o.metric !== null && o.metric !== undefined && o.metric > 0);
  return recommendFromStats([...byType].map(([type, os]) => typeStats(type, os, useMetric)), useMetric ? metric : 'wall_s');
}
