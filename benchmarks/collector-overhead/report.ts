import type { AgentName } from './peers/peer.ts';
import { median } from './proc-meter.ts';
import type { WindowResult } from './proc-meter.ts';

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
  readonly cpu_ms_per_tick: number;
  /** Share of the agent's CPU spent in the kernel, percent. */
  readonly cpu_system_pct: number;
  readonly cpu_us_per_process_sample: number;
  readonly rss_mib: number;
  readonly hwm_mib: number;
  readonly runlens_process_rows_per_tick: number | null;
}

/** RunLens ÷ peer at one process level, from the medians; below 1 means RunLens costs less. */
export interface Ratio {
  readonly target_processes: number;
  readonly peer: AgentName;
  readonly cpu_per_sample: number;
  readonly cpu_per_tick: number;
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
      cpu_ms_per_tick: m((r) => (1000 * r.cpu_s) / r.ticks),
      cpu_system_pct: m((r) => (100 * r.cpu_system_s) / r.cpu_s),
      cpu_us_per_process_sample: m((r) => r.cpu_us_per_process_sample),
      rss_mib: m((r) => r.rss_median_bytes) / MIB, hwm_mib: m((r) => r.hwm_bytes) / MIB,
      runlens_process_rows_per_tick: first.agent === 'runlens' ? m((r) => rowsPerTick(r) ?? Number.NaN) : null,
    };
  });
}

/** RunLens ÷ each other agent measured at the same level. */
export function ratios(summaries: readonly Summary[]): Ratio[] {
  return summaries.flatMap((peer) => {
    const rl = summaries.find((s) => s.target_processes === peer.target_processes && s.agent === 'runlens');
    if (!rl || peer.agent === 'runlens') return [];
    return [{
      target_processes: peer.target_processes, peer: peer.agent,
      cpu_per_sample: rl.cpu_us_per_process_sample / peer.cpu_us_per_process_sample,
      cpu_per_tick: rl.cpu_ms_per_tick / peer.cpu_ms_per_tick,
      rss: rl.rss_mib / peer.rss_mib, hwm: rl.hwm_mib / peer.hwm_mib,
    }];
  });
}

const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** The per-agent medians and the RunLens ÷ peer ratios; `nodeLevel` agents are marked with a dagger. */
export function markdown(summaries: readonly Summary[], rs: readonly Ratio[], nodeLevel: ReadonlySet<AgentName>): string {
  const name = (a: AgentName): string => (nodeLevel.has(a) ? `${a} †` : a);
  return [
    '| N (live procs) | agent | ticks | CPU s | CPU % of a core | kernel % of CPU | CPU ms / tick | CPU µs / process-sample | RSS median MiB | VmHWM MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summaries.map((s) => `| ${s.target_processes} (${f(s.live_processes, 0)}) | ${name(s.agent)} | ${f(s.ticks, 0)} | ${f(s.cpu_s, 2)} | ${f(s.cpu_core_pct)} | ${f(s.cpu_system_pct, 0)} | ${f(s.cpu_ms_per_tick)} | ${f(s.cpu_us_per_process_sample, 2)} | ${f(s.rss_mib)} | ${f(s.hwm_mib)} |`),
    '',
    '| N | RunLens ÷ peer | CPU per process-sample | CPU per tick | RSS | VmHWM |',
    '|---|---|---:|---:|---:|---:|',
    ...rs.map((r) => `| ${r.target_processes} | ${name(r.peer)} | ${f(r.cpu_per_sample, 2)}× | ${f(r.cpu_per_tick, 2)}× | ${f(r.rss, 2)}× | ${f(r.hwm, 2)}× |`),
    ...(nodeLevel.size > 0 ? ['', '† node-level peer: no per-process data, so its "process-sample" figures only spread its per-tick cost over the same denominator.'] : []),
  ].join('\n');
}
