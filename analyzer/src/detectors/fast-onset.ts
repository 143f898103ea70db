import { median } from '../lib/stats.ts';
import type { RunTick, RunWindow } from '../window/run-window.ts';

/**
 * Fast onset for detectors judged on a share of recent ticks, after the multiwindow alerting of
 * SRE practice: a slow burn needs a long window, a fast burn fires on a short one. An ordinary hit
 * counts once, and a kind needs its MIN_TICKS of them; a newest tick whose evidence is
 * STRONG_FACTOR times the ordinary threshold counts as MIN_TICKS by itself, so a fault that is
 * plainly there is raised at the first tick that shows it (issue 10: a finding within a second or
 * two of the fault), while a marginal value still has to persist. Only the newest tick counts
 * double: a strong burst in the past of a window that has since gone quiet is judged as ordinary hits.
 * And only live (`RunWindow.live`): a finished run's verdict is judged on its whole window, where
 * the last tick is not the present; a live finding it does not confirm is restated as info.
 */
export const STRONG_FACTOR = 2;

/**
 * Hits weighted for the rule's count and share: the newest tick, when strong, counts as `minTicks`,
 * once the window holds `minTicks` ticks (`ticks`): a run's first seconds are its start-up, where a
 * fresh process waits for CPU on a busy host (seen in a real capture, `stream/live-replay.test.ts`).
 */
export function weightedHits(w: RunWindow, ticks: number, hits: number, newestStrong: boolean, minTicks: number): number {
  return w.live === true && newestStrong && ticks >= minTicks ? hits - 1 + Math.max(1, minTicks) : hits;
}

/**
 * Sub-tick onset: a newest tick where processes started during it (RunTick.newcomers) holds a
 * second of which only the part since they started shows what they do; its averages spread that
 * part over the whole tick (an onset three quarters into the tick shows a quarter of its effect).
 * Judged over that part instead, where it is at least this share of the tick: ten clock ticks of
 * CPU accounting at 1 s. Over a shorter part, an ordinary tick-to-tick change divided by the part
 * would pass for the fault.
 */
export const MIN_ONSET_SHARE = 0.1;

/** A rate over the last `share` of a tick: the tick's amount less what the previous tick's rate (`before`) accounts for until then. */
export function sinceOnset(now: number, before: number, share: number): number {
  return Math.max(0, (now - before * (1 - share)) / share);
}

/** The newest tick's change in the run's wait must be this many times its ordinary change from tick to tick. */
export const ONSET_NOISE_FACTOR = 3;
/** And at least this much wait (cores over the tick: 10 ms a second), for a run whose wait never moves. */
export const MIN_ONSET_CHANGE = 0.01;

/**
 * Whether the newest tick's change in the run's wait for CPU stands out of the run's own noise:
 * ONSET_NOISE_FACTOR times the median absolute change between its earlier ticks. A sub-tick onset
 * divides the change by the part of the tick since the onset; a change the run makes every second
 * anyway, so divided, would pass for a fault.
 */
export function waitChangeStandsOut(ticks: readonly RunTick[]): boolean {
  const n = ticks.length;
  if (n < 2) return false;
  const steps: number[] = [];
  for (let i = 1; i < n - 1; i++) steps.push(Math.abs((ticks[i] as RunTick).run_delay_cores - (ticks[i - 1] as RunTick).run_delay_cores));
  const change = (ticks[n - 1] as RunTick).run_delay_cores - (ticks[n - 2] as RunTick).run_delay_cores;
  return change >= Math.max(MIN_ONSET_CHANGE, ONSET_NOISE_FACTOR * (steps.length > 0 ? median(steps) : 0));
}
