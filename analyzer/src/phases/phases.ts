import type { RunReport } from '@runlens/schemas';
import { mean } from '../lib/stats.ts';
import type { RunTick } from '../window/run-window.ts';
import { pageHinkley } from './page-hinkley.ts';

const MIB = 1024 * 1024;
const MIN_TICKS = 3;

/** Dimensions of the utilisation vector, scaled so one unit is a meaningful shift. */
const DIMENSIONS: readonly { get: (t: RunTick) => number; delta: number; lambda: number }[] = [
  { get: (t) => t.cpu_cores, delta: 0.1, lambda: 1.5 },
  { get: (t) => t.storage_bytes_per_s / (16 * MIB), delta: 0.1, lambda: 1.5 },
  { get: (t) => t.syscall_bytes_per_s / (64 * MIB), delta: 0.1, lambda: 1.5 },
];

function label(ticks: readonly RunTick[]): string {
  const cpu = mean(ticks.map((t) => t.cpu_cores));
  const io = mean(ticks.map((t) => t.storage_bytes_per_s));
  if (ticks.every((t) => t.stopped_procs > 0)) return 'stopped';
  if (cpu < 0.02 && io < 65536) return 'idle';
  if (io >= 4 * MIB && cpu < 0.5) return 'io';
  return cpu >= 0.5 ? 'compute' : 'light';
}

/** Phase boundaries: Page-Hinkley change points on each dimension, merged, at least MIN_TICKS apart. */
export function phaseCuts(ticks: readonly RunTick[]): number[] {
  const all = DIMENSIONS.flatMap((d) => pageHinkley(ticks.map(d.get), d.delta, d.lambda, MIN_TICKS)).sort((a, b) => a - b);
  const cuts: number[] = [];
  for (const c of all) if (c - (cuts[cuts.length - 1] ?? 0) >= MIN_TICKS && ticks.length - c >= 1) cuts.push(c);
  return cuts;
}

/** Splits the run at its change points and summarises each phase. */
export function summarisePhases(ticks: readonly RunTick[]): RunReport['phases'] {
  const bounds = [0, ...phaseCuts(ticks), ticks.length];
  const phases: RunReport['phases'] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const seg = ticks.slice(bounds[k], bounds[k + 1]);
    if (seg.length === 0) continue;
    phases.push({
      index: phases.length, start_ts: seg[0]?.ts ?? 0, end_ts: seg[seg.length - 1]?.ts ?? 0,
      cpu_cores_mean: mean(seg.map((t) => t.cpu_cores)), io_bytes_per_s_mean: mean(seg.map((t) => t.storage_bytes_per_s)),
      rss_bytes_mean: mean(seg.map((t) => t.rss_bytes)), label: label(seg),
    });
  }
  return phases;
}
