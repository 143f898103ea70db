import { type Row, SELF_RUN_ID, type TableName, groupBy } from '@runlens/schemas';
import { HostState } from './host-state.ts';
import { RunState } from './run-state.ts';
import { type LoadCols, type ProcessCols, allRows, colsOfRows } from './process-cols.ts';
import { aggregateCols, rankTick } from './tick-agg.ts';

type ProcessRow = Row<'process_samples'>;

/** Frozen runs remembered in memory; beyond this the store answers (verdictFrozen). */
export const MAX_CLOSED_RUNS = 10_000;

/** Routes decoded rows of any table into per-host and per-run state. */
export class AnalyzerState {
  readonly hosts = new Map<string, HostState>();
  readonly runs = new Map<string, RunState>();
  /** Runs whose verdict this analyzer froze, oldest first (bounded): late data for them is after the end. */
  private readonly closed = new Set<string>();

  host(name: string): HostState {
    let h = this.hosts.get(name);
    if (!h) this.hosts.set(name, (h = new HostState(name)));
    return h;
  }

  run(id: string): RunState {
    let r = this.runs.get(id);
    if (!r) {
      this.runs.set(id, (r = new RunState(id)));
      r.afterEnd = this.closed.has(id);
    }
    return r;
  }

  /** The run's final analysis is done: forget its state, remember that its verdict is frozen. */
  close(id: string): void {
    this.runs.delete(id);
    this.closed.delete(id);
    this.closed.add(id);
    if (this.closed.size > MAX_CLOSED_RUNS) this.closed.delete(this.closed.values().next().value as string);
  }

  add(table: TableName, rows: readonly unknown[]): void {
    switch (table) {
      case 'process_samples': this.addProcessCols(colsOfRows(rows as ProcessRow[])); return;
      case 'node_samples': for (const r of rows as Row<'node_samples'>[]) this.host(r.host).addNode(r); return;
      case 'cgroup_samples': return this.addCgroups(rows as Row<'cgroup_samples'>[]);
      case 'node_events': for (const r of rows as Row<'node_events'>[]) this.host(r.host).addEvent(r); return;
      case 'gpu_samples': for (const r of rows as Row<'gpu_samples'>[]) this.host(r.host).addGpu(r); return;
      case 'ib_samples': for (const r of rows as Row<'ib_samples'>[]) this.host(r.host).addIb(r); return;
      case 'node_profiles': for (const r of rows as Row<'node_profiles'>[]) this.host(r.host).setProfile(r); return;
      case 'device_profiles': for (const r of rows as Row<'device_profiles'>[]) this.host(r.host).setDevice(r); return;
      case 'gpu_process_samples':
        for (const r of rows as Row<'gpu_process_samples'>[]) if (r.run_id) this.run(r.run_id).addGpuProc(r.host, r.ts, r.gpu_uuid);
        return;
      case 'runs': for (const r of rows as Row<'runs'>[]) this.run(r.run_id).setMeta(r); return;
      case 'mpi_samples': for (const r of rows as Row<'mpi_samples'>[]) if (r.run_id) this.run(r.run_id).addMpi(r); return;
      default: return;
    }
  }

  /** Other runs' CPU per host and tick, from the router's run-load rows (see run-load.ts). */
  addRunLoads(c: LoadCols): void {
    for (let i = 0; i < c.n; i++) {
      const runId = c.run_id[i] ?? '';
      if (runId !== '') this.host(c.host[i] ?? '').addRunLoad({ ts: c.ts[i] ?? NaN, run_id: runId, cpu_cores: (c.cpu_user_cores[i] ?? NaN) + (c.cpu_sys_cores[i] ?? NaN) });
    }
  }

  private addCgroups(rows: readonly Row<'cgroup_samples'>[]): void {
    for (const r of rows) {
      this.host(r.host).addCgroup(r);
      if (r.run_id && r.run_id !== SELF_RUN_ID) this.run(r.run_id).addCgroupPath(r.host, r.cgroup);
    }
  }

  /**
   * A process_samples batch: per host and tick, each run's tick and its ranks' ticks, and the
   * host's background (processes outside any run). Reads columns, so the stream never builds a
   * row object per process. Returns the runs that got a tick.
   */
  addProcessCols(c: ProcessCols): Set<string> {
    const touched = new Set<string>();
    for (const group of byHostAndTick(c)) {
      const first = group[0] ?? 0;
      const host = c.host[first] ?? '';
      const ts = c.ts[first] ?? NaN;
      for (const [runId, procs] of byRun(c, group)) {
        if (runId === SELF_RUN_ID) continue; // RunLens itself: overhead, not a run nor outside load
        if (runId === '') {
          const t = aggregateCols(ts, c, procs, 1);
          this.host(host).addBackground({ ts, cpu_cores: t.cpu_cores, top_comm: busiest(c, procs), newcomers: t.newcomers });
          continue;
        }
        const run = this.run(runId);
        touched.add(runId);
        for (const i of procs) run.addPid(host, c.pid[i] ?? NaN);
        run.addHostTick(host, aggregateCols(ts, c, procs, run.allocCores));
        for (const [rank, rp] of byRank(c, procs)) run.addRankTick(rank, host, rankTick(ts, c, rp));
      }
    }
    return touched;
  }
}

/** Row indices per host and tick, in order of first appearance; an agent's message is one host's one tick, seen without a key per row. */
function byHostAndTick(c: ProcessCols): Iterable<number[]> {
  let one = true;
  for (let i = 1; i < c.n && one; i++) one = c.host[i] === c.host[0] && Object.is(c.ts[i], c.ts[0]);
  return one ? (c.n > 0 ? [allRows(c.n)] : []) : groupBy(allRows(c.n), (i) => `${c.host[i]}|${c.ts[i]}`).values();
}

/** Row indices per run, in order of first appearance; an agent's message mostly holds one run's rows (or none's), seen without a Map. */
function byRun(c: ProcessCols, idx: readonly number[]): Iterable<[string, readonly number[]]> {
  const first = c.run_id[idx[0] ?? 0] ?? '';
  let one = true;
  for (let k = 1; k < idx.length && one; k++) one = c.run_id[idx[k] as number] === first;
  return one ? (idx.length > 0 ? [[first, idx]] : []) : groupBy(idx, (i) => c.run_id[i] ?? '');
}

/** Row indices per rank (rows without one left out), in order of first appearance (no string key per row). */
function byRank(c: ProcessCols, idx: readonly number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const i of idx) {
    const rank = c.rank[i] as number;
    if (Number.isNaN(rank)) continue;
    const list = out.get(rank);
    if (list) list.push(i);
    else out.set(rank, [i]);
  }
  return out;
}

function busiest(c: ProcessCols, procs: readonly number[]): string {
  let best = -1;
  let bestCores = 0;
  for (const i of procs) {
    const cores = (c.cpu_user_cores[i] ?? NaN) + (c.cpu_sys_cores[i] ?? NaN);
    if (best < 0 || cores > bestCores) { best = i; bestCores = cores; }
  }
  return best < 0 ? '' : c.comm[best] ?? '';
}
