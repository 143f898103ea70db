import type { Row } from '@runlens/schemas';
import type { HostView, MpiPoint, MpiRankView, RankView, RunTick, RunWindow } from '../window/run-window.ts';
import { MAX_RUN_CGROUPS_PER_HOST, MAX_RUN_PIDS_PER_HOST, addBounded, eventsForRun } from './host-events.ts';
import type { HostState } from './host-state.ts';
import { mergeBySecond } from './tick-agg.ts';
import { TickSeries } from '../window/tick-series.ts';

type RunRow = Row<'runs'>;

/** Everything the analyzer holds about one run: its ticks per host and per rank, and its row. */
export class RunState {
  private static made = 0;
  /** Made after every run with a smaller order: the order of AnalyzerState.runs, which only adds new runs at its end. */
  readonly order = RunState.made++;
  meta: RunRow | null = null;
  /** Ticks per host and per rank, in time order (tick-series.ts: a replayed batch overwrites, never doubles). */
  readonly hostTicks = new Map<string, TickSeries<RunTick>>();
  readonly rankTicks = new Map<number, { host: string; ticks: TickSeries<RunTick> }>();
  /** MPI reports per rank, by tick time. */
  readonly mpiPoints = new Map<number, { host: string; points: TickSeries<MpiPoint> }>();
  /** Processes of this run per (host, ts, GPU). */
  readonly gpuProcs = new Map<string, number>();
  /** The run's pids and cgroups per host: what names a kernel event's victim as this run's. */
  readonly pids = new Map<string, Set<number>>();
  readonly cgroups = new Map<string, Set<string>>();
  lastDataTs = 0;
  /** When this analyzer first heard of the run (wall clock): its quiet time before any tick or run row. */
  readonly seenAt = Date.now();
  /** Each host's newest tick time: the run's newest tick is complete when every host has reached it. */
  readonly newestByHost = new Map<string, number>();
  finalised = false;
  /** The run's verdict was frozen before this state began: what it learns is shown apart (`after_end`). */
  afterEnd = false;
  /** Whether the store was asked if the run's verdict is already frozen. */
  frozenChecked = false;

  constructor(readonly run_id: string) {}

  setMeta(row: RunRow): void {
    if (!this.meta || row.updated_ts >= this.meta.updated_ts) this.meta = row;
  }

  /** Hosts and ranks in the window's order, kept as they arrive: a window at every tick sorts neither. */
  private readonly hostOrder: string[] = [];
  private readonly rankOrder: number[] = [];

  addHostTick(host: string, t: RunTick): void {
    let m = this.hostTicks.get(host);
    if (!m) {
      this.hostTicks.set(host, (m = new TickSeries()));
      insertSorted(this.hostOrder, host, (a, b) => a.localeCompare(b));
    }
    m.set(t);
    this.lastDataTs = Math.max(this.lastDataTs, t.ts);
    this.newestByHost.set(host, Math.max(this.newestByHost.get(host) ?? 0, t.ts));
  }

  addRankTick(rank: number, host: string, t: RunTick): void {
    let r = this.rankTicks.get(rank);
    if (!r) {
      this.rankTicks.set(rank, (r = { host, ticks: new TickSeries() }));
      insertSorted(this.rankOrder, rank, (a, b) => a - b);
    }
    r.ticks.set(t);
  }

  addMpi(r: Row<'mpi_samples'>): void {
    let m = this.mpiPoints.get(r.rank);
    if (!m) this.mpiPoints.set(r.rank, (m = { host: r.host, points: new TickSeries() }));
    m.points.set({ ts: r.ts, wall_s: r.wall_s, mpi_s: r.mpi_s, mpi_cpu_s: r.mpi_cpu_s, cpu_s: r.cpu_s });
  }

  addGpuProc(host: string, ts: number, gpu: string): void {
    const k = `${host}|${ts}|${gpu}`;
    this.gpuProcs.set(k, (this.gpuProcs.get(k) ?? 0) + 1);
  }

  addPid(host: string, pid: number): void {
    addBounded(this.pids, host, pid, MAX_RUN_PIDS_PER_HOST);
  }

  addCgroupPath(host: string, cgroup: string): void {
    addBounded(this.cgroups, host, cgroup, MAX_RUN_CGROUPS_PER_HOST);
  }

  get allocCores(): number {
    return this.meta && this.meta.alloc_cores > 0 ? this.meta.alloc_cores : 1;
  }

  /** The detectors' view of the run from `from` (epoch ms) on; the whole run by default. */
  window(hosts: ReadonlyMap<string, HostState>, from = 0): RunWindow {
    const views: HostView[] = this.hostOrder.map((host) => this.hostView(host, (this.hostTicks.get(host) as TickSeries<RunTick>).since(from), hosts.get(host), from));
    const ranks: RankView[] = this.rankOrder.map((rank) => {
      const r = this.rankTicks.get(rank) as { host: string; ticks: TickSeries<RunTick> };
      return { rank, host: r.host, ticks: r.ticks.since(from) };
    });
    const mpi: MpiRankView[] = [...this.mpiPoints.entries()].sort(([a], [b]) => a - b)
      .map(([rank, m]) => ({ rank, host: m.host, points: m.points.since(from) }));
    const first = views[0];
    return {
      // Run-level ticks sum all hosts, so they are judged against the whole allocation.
      run_id: this.run_id, host: first?.host ?? '', alloc_cores: this.allocCores * Math.max(1, views.length), alloc_gpus: this.meta?.alloc_gpus ?? 0,
      mem_total_bytes: first?.profile?.mem_total_bytes ?? first?.node[first.node.length - 1]?.mem_total_bytes ?? null,
      ticks: views.length === 1 ? [...(first?.ticks ?? [])] : mergeBySecond(views.map((v) => v.ticks)),
      node: first?.node ?? [], hosts: views, ranks, ...(mpi.length > 0 ? { mpi } : {}),
    };
  }

  private hostView(host: string, ticks: RunTick[], h: HostState | undefined, windowFrom: number): HostView {
    const from = ticks[0]?.ts ?? 0;
    const to = ticks[ticks.length - 1]?.ts ?? 0;
    // The whole run starts at its start row, before its first sample; a trailing window at its first tick.
    const live = { start: windowFrom === 0 && this.meta ? Math.min(this.meta.start_ts, from) : from, end: Math.max(this.meta?.end_ts ?? to, to) };
    const events = h ? eventsForRun(h.events, { pids: this.pids.get(host) ?? new Set(), cgroups: this.cgroups.get(host) ?? new Set(), live }) : [];
    const gpus = h ? h.between(h.gpus, from, to).map((g) => ({ ...g, run_procs: this.gpuProcs.get(`${host}|${g.ts}|${g.gpu_uuid}`) ?? 0 })) : [];
    return {
      host, ticks, profile: h?.profile ?? null, gpus, ...(h ? { storage: h.storage() } : {}),
      node: h ? h.between(h.node, from, to) : [],
      background: h ? h.outsideFor(this.run_id, from, to) : [],
      cgroup: h ? h.between(h.cgroup.get(this.run_id) ?? [], from, to) : [],
      ib: h ? h.between(h.ib, from, to) : [], events, live,
    };
  }
}

/** Adds `item` to `list`, which is in `order`, where it belongs. */
function insertSorted<T>(list: T[], item: T, order: (a: T, b: T) => number): void {
  let at = list.length;
  while (at > 0 && order(list[at - 1] as T, item) > 0) at--;
  list.splice(at, 0, item);
}
