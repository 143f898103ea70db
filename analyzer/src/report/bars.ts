import type { ReportTimeline, RunReport } from '@runlens/schemas';
import { bytes, pct } from './format.ts';
import { allocatedCores } from './allocation.ts';

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;
const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** A level bar `▕█████▍      ▏` for a 0..1 ratio (clamped), in eighths of a cell. */
export function meter(ratio: number, width = 20): string {
  const eighths = Math.round(Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0)) * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8] ?? '';
  return `▕${'█'.repeat(full)}${part}${' '.repeat(width - full - (part ? 1 : 0))}▏`;
}

/**
 * A sparkline of a series over time, `width` cells, each the mean of its share of points; a
 * cell with no value is a blank (a gap, never a low). Scaled to `max` (default: the series' own).
 */
export function sparkline(values: readonly (number | null)[], width = 24, max?: number): string {
  if (values.length === 0) return '';
  const cells = Math.min(width, values.length);
  const means = Array.from({ length: cells }, (_, i) => {
    const part = values.slice(Math.floor((i * values.length) / cells), Math.floor(((i + 1) * values.length) / cells)).filter((v): v is number => v !== null);
    return part.length === 0 ? null : part.reduce((a, b) => a + b, 0) / part.length;
  });
  const top = max ?? Math.max(0, ...means.filter((v): v is number => v !== null));
  return means.map((v) => (v === null ? ' ' : LEVELS[top <= 0 ? 0 : Math.min(7, Math.round((v / top) * 7))])).join('');
}

/** All hosts summed per bucket (null where no host had a value): the run as a whole. */
export function runTotal(series: ReportTimeline['cpu']): (number | null)[] {
  const byTs = new Map<number, number | null>();
  for (const s of series) {
    for (const p of s.points) {
      const prev = byTs.get(p.ts) ?? null;
      byTs.set(p.ts, p.value === null ? prev : (prev ?? 0) + p.value);
    }
  }
  return [...byTs.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
}

export interface ResourceBar { readonly label: string; readonly bar: string; readonly text: string }

/** One compact line per resource: a level bar where there is a capacity, a sparkline over time. */
export function resourceBars(r: RunReport): ResourceBar[] {
  const s = r.summary;
  const t = r.timeline;
  const spark = (series: ReportTimeline['cpu'] | undefined, max?: number): string => (series ? sparkline(runTotal(series), 24, max) : '');
  const alloc = allocatedCores(r.run);
  const outside = t ? runTotal(t.outside_cpu).filter((v): v is number => v !== null) : [];
  const outsideMean = outside.length > 0 ? outside.reduce((a, b) => a + b, 0) / outside.length : 0;
  const bars: ResourceBar[] = [{
    label: 'CPU', bar: meter(s.cpu_efficiency),
    text: `${pct(s.cpu_efficiency)} of ${alloc} cores  ${spark(t?.cpu, alloc)}${outsideMean >= 0.05 ? `  outside load ${outsideMean.toFixed(2)} cores` : ''}`,
  }];
  if (t && t.memory.length > 0) bars.push({ label: 'memory', bar: spark(t.memory), text: `peak ${bytes(s.peak_rss_bytes)}` });
  if (t && t.io.length > 0) bars.push({ label: 'storage', bar: spark(t.io), text: `read ${bytes(s.read_bytes)}, written ${bytes(s.write_bytes)}` });
  if (s.gpu && s.gpu.util_mean !== null) bars.push({ label: 'GPU', bar: meter(s.gpu.util_mean), text: `${pct(s.gpu.util_mean)} utilisation  ${spark(t?.gpu, 1)}` });
  return bars;
}

/** The bars as aligned text lines (the terminal and the Markdown report). */
export function resourceBarLines(r: RunReport, indent = '  '): string[] {
  return resourceBars(r).map((b) => `${indent}${b.label.padEnd(8)} ${b.bar}  ${b.text}`.trimEnd());
}
