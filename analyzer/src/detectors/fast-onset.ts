import type { RunWindow } from '../window/run-window.ts';

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
