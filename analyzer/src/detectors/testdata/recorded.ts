import { readFileSync } from 'node:fs';
import type { Row } from '@runlens/schemas';
import { AnalyzerState } from '../../state/analyzer-state.ts';
import type { RunWindow } from '../../window/run-window.ts';
import { T0 } from './windows.ts';

/*
 * Test support: golden windows from agent captures on a real machine. A capture is up to three
 * CSV files in a detector's testdata/ (`<name>.process.csv`, `.node.csv`, `.cgroup.csv`), cut
 * from the rows the RunLens agent published (t_ms = ms since the first tick). They go through
 * the analyzer's own path, AnalyzerState → RunState.window, so the detectors see what the
 * service would have shown them. Columns the detectors never read are not kept and read as 0.
 */

type Fields = (c: string) => string;

export function readCsv(text: string): Fields[] {
  const [head, ...lines] = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const cols = (head ?? '').split(',');
  return lines.map((l) => {
    const f = l.split(',');
    return (c: string): string => f[cols.indexOf(c)] ?? '';
  });
}

const num = (s: string): number => (s === '' ? 0 : Number(s));
const orNull = (s: string): number | null => (s === '' ? null : Number(s));

function processRow(host: string, r: Fields): Row<'process_samples'> {
  const rank = orNull(r('rank'));
  return {
    ts: T0 + num(r('t_ms')), host, run_id: r('run_id'), rank, local_rank: rank, pid: num(r('pid')), ppid: num(r('ppid')),
    start_ticks: 0, comm: r('comm'), state: r('state'), interval_s: num(r('interval_s')),
    cpu_user_cores: num(r('cpu_user_cores')), cpu_sys_cores: num(r('cpu_sys_cores')), run_delay_cores: num(r('run_delay_cores')),
    rss_bytes: num(r('rss_bytes')), hwm_bytes: 0, vm_bytes: 0, threads: num(r('threads')), busy_threads: orNull(r('busy_threads')),
    read_bytes_per_s: orNull(r('read_bytes_per_s')), write_bytes_per_s: orNull(r('write_bytes_per_s')),
    rchar_per_s: orNull(r('rchar_per_s')), wchar_per_s: orNull(r('wchar_per_s')),
    syscr_per_s: orNull(r('syscr_per_s')), syscw_per_s: orNull(r('syscw_per_s')),
    vol_ctxsw_per_s: 0, invol_ctxsw_per_s: num(r('invol_ctxsw_per_s')), minflt_per_s: 0, majflt_per_s: 0, last_cpu: 0,
  };
}

function nodeRow(host: string, r: Fields): Row<'node_samples'> {
  return {
    ts: T0 + num(r('t_ms')), host, interval_s: num(r('interval_s')), cpu_user_cores: 0, cpu_system_cores: 0,
    cpu_iowait_cores: num(r('cpu_iowait_cores')), cpu_irq_cores: 0, cpu_steal_cores: num(r('cpu_steal_cores')), cpu_idle_cores: 0,
    online_cpus: num(r('online_cpus')), mem_total_bytes: num(r('mem_total_bytes')), mem_available_bytes: num(r('mem_available_bytes')),
    mem_cached_bytes: 0, swap_used_bytes: 0, load1: 0, procs_running: 0, procs_blocked: 0, ctxsw_per_s: 0,
    psi_cpu_some: orNull(r('psi_cpu_some')), psi_io_some: orNull(r('psi_io_some')), psi_io_full: null,
    psi_memory_some: orNull(r('psi_memory_some')), psi_memory_full: null,
  };
}

function cgroupRow(host: string, runId: string, r: Fields): Row<'cgroup_samples'> {
  return {
    ts: T0 + num(r('t_ms')), host, run_id: runId, cgroup: r('cgroup'), version: 1, interval_s: 1, cpu_usage_cores: null,
    cpu_throttled_ratio: orNull(r('cpu_throttled_ratio')), cpu_quota_cores: orNull(r('cpu_quota_cores')),
    mem_usage_bytes: orNull(r('mem_usage_bytes')), mem_limit_bytes: orNull(r('mem_limit_bytes')),
    io_read_bytes_per_s: null, io_write_bytes_per_s: null,
  };
}

function runRow(runId: string, allocCores: number, hosts: readonly string[]): Row<'runs'> {
  return {
    run_id: runId, app: 'golden', user: 'test', cluster: 'golden', job_id: '', sluid: '', step: '', cmd: '', status: 'running',
    start_ts: T0, end_ts: null, updated_ts: T0, exit_code: null, hosts: [...hosts], ranks: 0, alloc_cores: allocCores, alloc_gpus: 0,
    tags: [], cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
  };
}

/** One host of a capture: its files in `<dir>/testdata/<name>.*.csv`, shown under `host`. */
export interface HostCapture {
  readonly host: string;
  readonly dir: string;
  readonly name: string;
}

function read(dir: string, file: string): string {
  return readFileSync(new URL(`../${dir}/testdata/${file}`, import.meta.url), 'utf8');
}

/** Node and cgroup files are optional (a capture without them); the process file is not. */
function optional(dir: string, file: string): string {
  try {
    return read(dir, file);
  } catch {
    return '';
  }
}

/** Every row of a capture, per table, in the order the analyzer reads them. */
export function recordedRows(hosts: readonly HostCapture[], allocCores: number, runId = 'r1'): { table: 'runs' | 'node_samples' | 'cgroup_samples' | 'process_samples'; rows: { ts: number }[] }[] {
  return [
    { table: 'runs', rows: [{ ...runRow(runId, allocCores, hosts.map((h) => h.host)), ts: T0 }] },
    ...hosts.flatMap((h) => [
      { table: 'node_samples' as const, rows: readCsv(optional(h.dir, `${h.name}.node.csv`)).map((r) => nodeRow(h.host, r)) },
      { table: 'cgroup_samples' as const, rows: readCsv(optional(h.dir, `${h.name}.cgroup.csv`)).map((r) => cgroupRow(h.host, runId, r)) },
      { table: 'process_samples' as const, rows: readCsv(read(h.dir, `${h.name}.process.csv`)).map((r) => processRow(h.host, r)) },
    ]),
  ];
}

/** The run `run_id` (default r1) over one or more captured hosts, as the analyzer would window it. */
export function recordedWindow(hosts: readonly HostCapture[], allocCores: number, runId = 'r1'): RunWindow {
  const state = new AnalyzerState();
  state.add('runs', [runRow(runId, allocCores, hosts.map((h) => h.host))]);
  for (const h of hosts) {
    state.add('node_samples', readCsv(optional(h.dir, `${h.name}.node.csv`)).map((r) => nodeRow(h.host, r)));
    state.add('cgroup_samples', readCsv(optional(h.dir, `${h.name}.cgroup.csv`)).map((r) => cgroupRow(h.host, runId, r)));
    state.add('process_samples', readCsv(read(h.dir, `${h.name}.process.csv`)).map((r) => processRow(h.host, r)));
  }
  const w = state.run(runId).window(state.hosts);
  // A capture with no rows of the run would make every "is silent" test pass for nothing.
  if (w.ticks.length === 0) throw new Error(`no ticks of run ${runId} in ${hosts.map((h) => h.name).join(', ')}`);
  return w;
}

/** A one-host capture under host name 'h1'. */
export function recordedHost(dir: string, name: string, allocCores: number): RunWindow {
  return recordedWindow([{ host: 'h1', dir, name }], allocCores);
}

/** The window as if each host's node profile said it had `logical_cpus` CPUs. */
export function withLogicalCpus(w: RunWindow, logicalCpus: number): RunWindow {
  const profile = { logical_cpus: logicalCpus, mem_total_bytes: w.mem_total_bytes ?? 0, pmu_available: false, ib_link_rate_gbps: null };
  return { ...w, hosts: (w.hosts ?? []).map((h) => ({ ...h, profile })) };
}
