import { type Row, SELF_RUN_ID, type TableName, groupBy } from '@runlens/schemas';
import { HostState } from './host-state.ts';
import { RunState } from './run-state.ts';
import { aggregateTick } from './tick-agg.ts';

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
      case 'process_samples': return this.addProcesses(rows as ProcessRow[]);
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
  addRunLoads(rows: readonly ProcessRow[]): void {
    for (const r of rows) if (r.run_id) this.host(r.host).addRunLoad({ ts: r.ts, run_id: r.run_id, cpu_cores: r.cpu_user_cores + r.cpu_sys_cores });
  }

  private addCgroups(rows: readonly Row<'cgroup_samples'>[]): void {
    for (const r of rows) {
      this.host(r.host).addCgroup(r);
      if (r.run_id && r.run_id !== SELF_RUN_ID) this.run(r.run_id).addCgroupPath(r.host, r.cgroup);
    }
  }

  private addProcesses(rows: readonly ProcessRow[]): void {
    for (const group of groupBy(rows, (r) => `${r.host}|${r.ts}`).values()) {
      const { host, ts } = group[0] as ProcessRow;
      const byRun = groupBy(group, (r) => r.run_id);
      for (const [runId, procs] of byRun) {
        if (runId === SELF_RUN_ID) continue; // RunLens itself: overhead, not a run nor outside load
        if (runId === '') {
          this.host(host).addBackground({ ...pick(aggregateTick(ts, procs, 1)), top_comm: busiest(procs) });
          continue;
        }
        const run = this.run(runId);
        for (const p of procs) run.addPid(host, p.pid);
        run.addHostTick(host, aggregateTick(ts, procs, run.allocCores));
        for (const [rank, rp] of groupBy(procs.filter((p) => p.rank !== null), (p) => String(p.rank))) {
          run.addRankTick(Number(rank), host, aggregateTick(ts, rp, run.allocCores));
        }
      }
    }
  }
}

function pick(t: { ts: number; cpu_cores: number }): { ts: number; cpu_cores: number } {
  return { ts: t.ts, cpu_cores: t.cpu_cores };
}

function busiest(procs: readonly ProcessRow[]): string {
  let best: ProcessRow | null = null;
  for (const p of procs) if (!best || p.cpu_user_cores + p.cpu_sys_cores > best.cpu_user_cores + best.cpu_sys_cores) best = p;
  return best?.comm ?? '';
}
