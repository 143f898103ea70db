import { defineDetector, round, runFinding } from '../detector.ts';
import { mean } from '../../lib/stats.ts';
import type { RunTick } from '../../window/run-window.ts';
import { STRONG_FACTOR, weightedHits } from '../fast-onset.ts';

/** Runnable demand (on CPU + waiting for CPU) above the allocation by this factor. */
export const DEMAND_RATIO = 1.25;
export const MIN_DELAY_SHARE = 0.2;
export const MIN_TICKS = 3;
export const MIN_TICK_SHARE = 0.5;

/** The run's own runnable threads exceed its cores by `excess` × (DEMAND_RATIO − 1): they queue for CPU (schedstat run delay). */
function oversubscribed(t: RunTick, alloc: number, excess = 1): boolean {
  const demand = t.cpu_cores + t.run_delay_cores;
  return demand >= (1 + excess * (DEMAND_RATIO - 1)) * alloc && t.run_delay_cores >= excess * MIN_DELAY_SHARE * Math.max(t.cpu_cores, 0.1);
}

export const oversubscription = defineDetector({
  id: 'oversubscription',
  description: 'More runnable threads than allocated cores.',
  // MIN_TICKS oversubscribed ticks are the minimum duration, or one strong newest tick (fast-onset.ts);
  // live, the share is judged on the newest 6 ticks (3 of 6).
  hysteresis: { minTicks: 1, clearTicks: 10 },
  liveTicks: 6,
  evaluate(w) {
    const hits = w.ticks.filter((t) => oversubscribed(t, w.alloc_cores));
    const newest = w.ticks[w.ticks.length - 1];
    const strong = newest !== undefined && hits[hits.length - 1] === newest && oversubscribed(newest, w.alloc_cores, STRONG_FACTOR);
    const weight = weightedHits(w, w.ticks.length, hits.length, strong, MIN_TICKS);
    if (weight < MIN_TICKS || weight < MIN_TICK_SHARE * w.ticks.length) return [];
    const demand = mean(hits.map((t) => t.cpu_cores + t.run_delay_cores));
    const delay = mean(hits.map((t) => t.run_delay_cores));
    return [runFinding('oversubscription', w, { start: hits[0]?.ts ?? 0, end: hits[hits.length - 1]?.ts ?? 0 }, {
      severity: demand >= 2 * w.alloc_cores ? 'warning' : 'info',
      confidence: round(Math.min(1, 0.5 + hits.length / w.ticks.length / 2)),
      message: `Oversubscribed: ${round(demand, 1)} cores of runnable work on ${w.alloc_cores} allocated; threads wait ${round(delay, 2)} cores' worth for a CPU`,
      advice: 'Match threads to cores: set OMP_NUM_THREADS / --cpus-per-task / torch.set_num_threads to the allocation, and pin ranks (--cpu-bind=cores).',
      evidence: { runnable_cores_mean: round(demand), run_delay_cores_mean: round(delay), alloc_cores: w.alloc_cores, demand_ratio_threshold: DEMAND_RATIO, min_delay_share: MIN_DELAY_SHARE },
    })];
  },
});
