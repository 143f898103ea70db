import type { RunReport } from '@runlens/schemas';
import { mean } from '../window/run-window.ts';
import type { RunTick } from '../window/run-window.ts';

/** A level shift must exceed both of these and hold for MIN_TICKS to open a new phase. */
const MIN_SHIFT_CORES = 0.5;
const MIN_SHIFT_BYTES = 4 * 1024 * 1024;
const MIN_TICKS = 3;

function shifted(a: readonly RunTick[], b: readonly RunTick[]): boolean {
  const dc = Math.abs(mean(a.map((t) => t.cpu_cores)) - mean(b.map((t) => t.cpu_cores)));
  const di = Math.abs(mean(a.map((t) => t.storage_bytes_per_s)) - mean(b.map((t) => t.storage_bytes_per_s)));
  return dc >= MIN_SHIFT_CORES || di >= MIN_SHIFT_BYTES;
}

function label(ticks: readonly RunTick[]): string {
  const cpu = mean(ticks.map((t) => t.cpu_cores));
  const io = mean(ticks.map((t) => t.storage_bytes_per_s));
  if (cpu < 0.02 && io < 65536) return 'idle';
  if (io >= MIN_SHIFT_BYTES && cpu < 0.5) return 'io';
  return cpu >= 0.5 ? 'compute' : 'light';
}

/**
 * Splits the run where CPU or storage level shifts and stays shifted (a windowed mean
 * comparison). The streaming analyzer replaces this with Page-Hinkley on the full vector.
 */
export function summarisePhases(ticks: readonly RunTick[]): RunReport['phases'] {
  const cuts = [0];
  for (let i = MIN_TICKS; i + MIN_TICKS <= ticks.length; i++) {
    const last = cuts[cuts.length - 1] ?? 0;
    if (i - last < MIN_TICKS) continue;
    if (shifted(ticks.slice(Math.max(last, i - MIN_TICKS), i), ticks.slice(i, i + MIN_TICKS))) cuts.push(i);
  }
  cuts.push(ticks.length);
  const phases: RunReport['phases'] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const seg = ticks.slice(cuts[k], cuts[k + 1]);
    if (seg.length === 0) continue;
    phases.push({
      index: phases.length, start_ts: seg[0]?.ts ?? 0, end_ts: seg[seg.length - 1]?.ts ?? 0,
      cpu_cores_mean: mean(seg.map((t) => t.cpu_cores)), io_bytes_per_s_mean: mean(seg.map((t) => t.storage_bytes_per_s)),
      rss_bytes_mean: mean(seg.map((t) => t.rss_bytes)), label: label(seg),
    });
  }
  return phases;
}
