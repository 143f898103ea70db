import { median } from '../lib/stats.ts';

/** Fewer runs than this on a type, and nothing is said about that type. */
export const MIN_RUNS_PER_TYPE = 3;
/** The confidence the interval of a median aims for. */
const CI_TARGET = 0.9;

export interface TypedOutcome { readonly type: string; readonly wall_s: number; readonly cost: number | null }

export interface Interval { readonly lo: number; readonly hi: number; readonly level: number }

export interface TypeStats {
  readonly type: string;
  readonly runs: number;
  readonly wall_s_median: number;
  readonly wall_s_ci: Interval;
  /** Runs per hour at the median: the app's own throughput on this type. */
  readonly runs_per_hour: number;
  readonly cost_per_run_median: number | null;
  readonly cost_ci: Interval | null;
  /** Runs per unit of money: performance per cost. */
  readonly runs_per_cost: number | null;
}

export interface Pick { readonly type: string; readonly sure: boolean; readonly why: string }

export interface Recommendation {
  readonly verdict: 'recommended' | 'insufficient_data';
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

function stats(type: string, outcomes: readonly TypedOutcome[]): TypeStats {
  const walls = outcomes.map((o) => o.wall_s);
  const costs = outcomes.flatMap((o) => (o.cost === null ? [] : [o.cost]));
  const wall = median(walls);
  const cost = costs.length === outcomes.length && costs.length > 0 ? median(costs) : null;
  return {
    type, runs: outcomes.length, wall_s_median: wall, wall_s_ci: medianInterval(walls), runs_per_hour: wall > 0 ? 3600 / wall : 0,
    cost_per_run_median: cost, cost_ci: cost === null ? null : medianInterval(costs), runs_per_cost: cost ? 1 / cost : null,
  };
}

/** The best type by `value` (lower is better); sure when its interval lies below every other's. */
function pick(types: readonly TypeStats[], value: (t: TypeStats) => number | null, ci: (t: TypeStats) => Interval | null, what: string): Pick | null {
  const ranked = types.filter((t) => value(t) !== null).sort((a, b) => (value(a) ?? 0) - (value(b) ?? 0));
  const best = ranked[0];
  if (!best || ranked.length < 2) return null;
  const overlaps = ranked.slice(1).filter((o) => (ci(best)?.hi ?? Infinity) >= (ci(o)?.lo ?? -Infinity)).map((o) => o.type);
  const level = Math.min(...ranked.map((t) => ci(t)?.level ?? 0));
  return overlaps.length === 0
    ? { type: best.type, sure: true, why: `${what}: its ${pct(level)} interval lies below every other type's` }
    : { type: best.type, sure: false, why: `${what} by the medians, but its interval overlaps ${overlaps.join(', ')}: not sure` };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const ratio = (x: number): string => `${x.toFixed(x >= 10 ? 0 : 1)}×`;

function comparisons(types: readonly TypeStats[], fastest: Pick | null): string[] {
  const base = types.find((t) => t.type === fastest?.type);
  if (!base) return [];
  return types.filter((t) => t !== base).map((t) => {
    const speed = `on ${base.type} this app ran ${ratio(t.wall_s_median / base.wall_s_median)} faster than on ${t.type}`;
    const cost = base.cost_per_run_median !== null && t.cost_per_run_median ? ` at ${ratio(base.cost_per_run_median / t.cost_per_run_median)} the cost per run` : '';
    return speed + cost;
  });
}

/** Compares node types on the app's own wall time and cost per run (one run = one unit of the same work). */
export function recommend(outcomes: readonly TypedOutcome[]): Recommendation {
  const byType = new Map<string, TypedOutcome[]>();
  for (const o of outcomes) byType.set(o.type, [...(byType.get(o.type) ?? []), o]);
  const all = [...byType].map(([type, os]) => stats(type, os)).sort((a, b) => a.wall_s_median - b.wall_s_median);
  const needs = all.filter((t) => t.runs < MIN_RUNS_PER_TYPE).map((t) => `${MIN_RUNS_PER_TYPE - t.runs} more run${MIN_RUNS_PER_TYPE - t.runs === 1 ? '' : 's'} on type ${t.type}`);
  const eligible = all.filter((t) => t.runs >= MIN_RUNS_PER_TYPE);
  if (eligible.length < 2) {
    const more = all.length < 2 ? ['runs on a second node type'] : [];
    return { verdict: 'insufficient_data', types: all, fastest: null, cheapest: null, needs: [...needs, ...more], comparisons: [] };
  }
  const fastest = pick(eligible, (t) => t.wall_s_median, (t) => t.wall_s_ci, 'fastest');
  const cheapest = pick(eligible, (t) => t.cost_per_run_median, (t) => t.cost_ci, 'cheapest per run');
  const unsure = [fastest, cheapest].some((p) => p && !p.sure) ? [`more runs on ${eligible.map((t) => t.type).join(' and ')} would narrow the intervals`] : [];
  return { verdict: 'recommended', types: all, fastest, cheapest, needs: [...needs, ...unsure], comparisons: comparisons(eligible, fastest) };
}
