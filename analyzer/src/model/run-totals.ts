import type { Row } from '@runlens/schemas';
import type { RunWindow } from '../window/run-window.ts';
import { mean } from '../lib/stats.ts';

/** What a run did over its whole life: the kernel's totals from the runs end row, else the sums of its samples. */
export interface RunTotals {
  readonly source: 'kernel' | 'samples';
  readonly start_ts: number;
  readonly end_ts: number;
  readonly wall_s: number;
  readonly cpu_user_s: number;
  readonly cpu_sys_s: number;
  readonly read_bytes: number;
  readonly write_bytes: number;
  readonly peak_rss_bytes: number;
  /** Run delay (CPU seconds waited for, over wall time) and mean outside CPU, from the samples there are; 0 without. */
  readonly run_delay_cores: number;
  readonly outside_cores: number;
  readonly top_outside: string;
}

/** A finished run's totals, or null while it has no end (a live window is not a whole run). */
export function runTotals(meta: Row<'runs'> | null, w: RunWindow): RunTotals | null {
  if (!meta || meta.end_ts === null) return null;
  const wall = Math.max(0.001, (meta.end_ts - meta.start_ts) / 1000);
  const kernel = meta.cpu_user_s !== null && meta.cpu_sys_s !== null;
  // Samples are one per second (one per bucket of tick_s in a long run): a rate summed over them, times that, is the amount.
  const tickS = w.tick_s ?? 1;
  const sum = (f: (t: RunWindow['ticks'][number]) => number): number => w.ticks.reduce((s, t) => s + f(t), 0) * tickS;
  const bg = (w.hosts ?? []).flatMap((h) => h.background);
  return {
    source: kernel ? 'kernel' : 'samples', start_ts: meta.start_ts, end_ts: meta.end_ts, wall_s: wall,
    cpu_user_s: kernel ? (meta.cpu_user_s ?? 0) : sum((t) => t.user_cores),
    cpu_sys_s: kernel ? (meta.cpu_sys_s ?? 0) : sum((t) => t.sys_cores),
    read_bytes: (kernel ? meta.read_bytes : null) ?? sum((t) => t.storage_bytes_per_s - t.write_bytes_per_s),
    write_bytes: (kernel ? meta.write_bytes : null) ?? sum((t) => t.write_bytes_per_s),
    peak_rss_bytes: Math.max(0, ...w.ticks.map((t) => t.rss_bytes)),
    run_delay_cores: sum((t) => t.run_delay_cores) / wall,
    outside_cores: bg.length > 0 ? mean(bg.map((b) => b.cpu_cores)) : 0,
    top_outside: [...new Set(bg.map((b) => b.top_comm))].slice(0, 3).join(','),
  };
}
