import { median } from './proc-meter.ts';
import type { WindowResult } from './proc-meter.ts';

export type AgentName = 'runlens' | 'process_exporter';

export interface RunRecord extends WindowResult {
  readonly target_processes: number;
  readonly repeat: number;
  readonly order: number;
  readonly agent: AgentName;
}

export interface Summary {
  readonly target_processes: number;
  readonly agent: AgentName;
  readonly repeats: number;
  readonly live_processes: number;
  readonly ticks: number;
  readonly cpu_s: number;
  readonly cpu_core_pct: number;
  readonly cpu_us_per_process_sample: number;
  readonly rss_mib: number;
  readonly hwm_mib: number;
  readonly runlens_process_rows_per_tick: number | null;
}

export interface Ratio {
  readonly target_processes: number;
  readonly cpu_per_sample: number;
  readonly rss: number;
  readonly hwm: number;
}

const MIB = 1024 * 1024;

function rowsPerTick(r: RunRecord): number | null {
  const rows = (x: unknown): number => Number((x as { process_rows?: unknown } | undefined)?.process_rows);
  const e = r.extra as { start?: unknown; end?: unknown };
  const n = (rows(e.end) - rows(e.start)) / r.ticks;
  return Number.isFinite(n) ? n : null;
}

/** Medians per (process count, agent) over the repeats. */
export function summarise(runs: readonly RunRecord[]): Summary[] {
  const keys = [...new Set(runs.map((r) => `${r.target_processes}|${r.agent}`))];
  return keys.map((key) => {
    const group = runs.filter((r) => `${r.target_processes}|${r.agent}` === key);
    const m = (f: (r: RunRecord) => number): number => median(group.map(f));
    const first = group[0]!;
    return {
      target_processes: first.target_processes, agent: first.agent, repeats: group.length,
      live_processes: m((r) => r.live_processes), ticks: m((r) => r.ticks), cpu_s: m((r) => r.cpu_s),
      cpu_core_pct: m((r) => (100 * r.cpu_s) / r.window_s),
      cpu_us_per_process_sample: m((r) => r.cpu_us_per_process_sample),
      rss_mib: m((r) => r.rss_median_bytes) / MIB, hwm_mib: m((r) => r.hwm_bytes) / MIB,
      runlens_process_rows_per_tick: first.agent === 'runlens' ? m((r) => rowsPerTick(r) ?? Number.NaN) : null,
    };
  });
}

/** RunLens ÷ process-exporter, from the medians. */
export function ratios(summaries: readonly Summary[]): Ratio[] {
  const levels = [...new Set(summaries.map((s) => s.target_processes))];
  return levels.flatMap((n) => {
    const rl = summaries.find((s) => s.target_processes === n && s.agent === 'runlens');
    const pe = summaries.find((s) => s.target_processes === n && s.agent === 'process_exporter');
    if (!rl || !pe) return [];
    return [{
      target_processes: n, cpu_per_sample: rl.cpu_us_per_process_sample / pe.cpu_us_per_process_sample,
      rss: rl.rss_mib / pe.rss_mib, hwm: rl.hwm_mib / pe.hwm_mib,
    }];
  });
}

const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export function markdown(summaries: readonly Summary[], rs: readonly Ratio[]): string {
  const lines = [
    '| N (live procs) | agent | ticks | CPU s | CPU % of a core | CPU µs / process-sample | RSS median MiB | VmHWM MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...summaries.map((s) => `| ${s.target_processes} (${f(s.live_processes, 0)}) | ${s.agent} | ${f(s.ticks, 0)} | ${f(s.cpu_s, 2)} | ${f(s.cpu_core_pct)} | ${f(s.cpu_us_per_process_sample, 2)} | ${f(s.rss_mib)} | ${f(s.hwm_mib)} |`),
    '',
    '| N | CPU per process-sample, RunLens ÷ process-exporter | RSS ratio | VmHWM ratio |',
    '|---|---:|---:|---:|',
    ...rs.map((r) => `| ${r.target_processes} | ${f(r.cpu_per_sample, 2)}× | ${f(r.rss, 2)}× | ${f(r.hwm, 2)}× |`),
  ];
  return lines.join('\n');
}
