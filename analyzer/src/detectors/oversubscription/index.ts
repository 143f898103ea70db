import { defineDetector, round, runFinding } from '../detector.ts';
import { mean } from '../../lib/stats.ts';
import { MIN_ONSET_SHARE, STRONG_FACTOR, sinceOnset, waitChangeStandsOut, weightedHits } from '../fast-onset.ts';
import type { RunTick, RunWindow } from '../../window/run-window.ts';

/** Runnable demand (on CPU + waiting for CPU) above the allocation by this factor. */
export const DEMAND_RATIO = 1.25;
export const MIN_DELAY_SHARE = 0.2;
export const MIN_TICKS = 3;
export const MIN_TICK_SHARE = 0.5;
/** Newcomers busy enough to be the onset of more demand: CPU over their lifetime. */
export const BUSY_NEWCOMER_CORES = 0.5;

/** The run's own runnable threads exceed its cores by `excess` × (DEMAND_RATIO − 1): they queue for CPU (schedstat run delay). */
function oversubscribed(t: RunTick, alloc: number, excess = 1): boolean {
  const demand = t.cpu_cores + t.run_delay_cores;
  return demand >= (1 + excess * (DEMAND_RATIO - 1)) * alloc && t.run_delay_cores >= excess * MIN_DELAY_SHARE * Math.max(t.cpu_cores, 0.1);
}

/**
 * The run's ticks, the newest judged since the run's processes that started during it (sub-tick
 * onset, fast-onset.ts) where that makes it strong: threads a run starts mid-tick queue from then on.
 * Only busy newcomers (half a core or more over their lifetime): a shell or a sleep the job started
 * adds no demand, and the run's ordinary change in wait, divided by their share, would pass for it
 * (nor a change in wait within the run's own noise: waitChangeStandsOut).
 */
function judged(w: RunWindow): readonly RunTick[] {
  const n = w.ticks.length;
  const newest = w.ticks[n - 1];
  const prev = w.ticks[n - 2];
  const share = newest?.newcomers?.share ?? 0;
  if (w.live !== true || !newest || !prev || share < MIN_ONSET_SHARE || (newest.newcomers?.cores ?? 0) / share < BUSY_NEWCOMER_CORES) return w.ticks;
  if (!waitChangeStandsOut(w.ticks)) return w.ticks;
  const since = { ...newest, cpu_cores: sinceOnset(newest.cpu_cores, prev.cpu_cores, share), run_delay_cores: sinceOnset(newest.run_delay_cores, prev.run_delay_cores, share) };
  return oversubscribed(since, w.alloc_cores, STRONG_FACTOR) ? [...w.ticks.slice(0, -1), since] : w.ticks;
}

export const oversubscription = defineDetector({
  id: 'oversubscription',
  description: 'More runnable threads than allocated cores.',
  // MIN_TICKS oversubscribed ticks are the minimum duration, or one strong newest tick (fast-onset.ts);
  // live, the share is judged on the newest 6 ticks (3 of 6).
  hysteresis: { minTicks: 1, clearTicks: 10 },
  liveTicks: 6,
  evaluate(w) {
    const ticks = judged(w);
    const hits = ticks.filter((t) => oversubscribed(t, w.alloc_cores));
    const newest = ticks[ticks.length - 1];
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
