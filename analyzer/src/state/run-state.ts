import type { Row } from '@runlens/schemas';
import type { HostView, MpiPoint, MpiRankView, RankTick, RankView, RunTick, RunWindow } from '../window/run-window.ts';
import { MAX_RUN_CGROUPS_PER_HOST, MAX_RUN_PIDS_PER_HOST, addBounded, eventsForRun } from './host-events.ts';
import { HOST_HISTORY_MS, type HostState } from './host-state.ts';
import { meanRankTicks, meanTicks, mergeBySecond } from './tick-agg.ts';
import { FINE_MS, type MergeTicks, TickSeries, bucketMsFor } from '../window/tick-series.ts';
import { RunTickStore } from '../window/run-tick-store.ts';
import { ColumnStore, type TickStore, type WindowSum } from '../window/tick-store.ts';

type RunRow = Row<'runs'>;

/** Everything the analyzer holds about one run: its ticks per host and per rank, and its row. */
export class RunState {
  private static made = 0;
  /** Made after every run with a smaller order: the order of AnalyzerState.runs, which only adds new runs at its end. */
  readonly order = RunState.made++;
  meta: RunRow | null = null;
  /** Ticks per host and per rank, in time order (tick-series.ts: a replayed batch overwrites, never doubles). */
  readonly hostTicks = new Map<string, TickSeries<RunTick>>();
  readonly rankTicks = new Map<number, { host: string; ticks: TickSeries<RankTick> }>();
  /** MPI reports per rank, by tick time. */
  readonly mpiPoints = new Map<number, { host: string; points: TickSeries<MpiPoint> }>();
  /** Processes of this run per (host, ts, GPU), for the host history's span (older GPU ticks are gone from HostState too). */
  private readonly gpuProcs = new Map<string, { ts: number; n: number }>();
  /** The run's pids and cgroups per host: what names a kernel event's victim as this run's. */
  readonly pids = new Map<string, Set<number>>();
  readonly cgroups = new Map<string, Set<string>>();
  lastDataTs = 0;
  private firstDataTs = Infinity;
  /** The bucket width and the time the history was last merged up to (tick-series.ts). */
  private compacted = { bucketMs: 0, upTo: -Infinity };
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
      this.hostTicks.set(host, (m = this.series(meanTicks, new RunTickStore())));
      insertSorted(this.hostOrder, host, (a, b) => a.localeCompare(b));
    }
    if (!m.set(t)) return;
    this.firstDataTs = Math.min(this.firstDataTs, t.ts);
    this.lastDataTs = Math.max(this.lastDataTs, t.ts);
    this.newestByHost.set(host, Math.max(this.newestByHost.get(host) ?? 0, t.ts));
    this.compactIfDue();
  }

  addRankTick(rank: number, host: string, t: RankTick): void {
    let r = this.rankTicks.get(rank);
    if (!r) {
      this.rankTicks.set(rank, (r = { host, ticks: this.series(meanRankTicks, new ColumnStore(userCores, rankTickOf)) }));
      insertSorted(this.rankOrder, rank, (a, b) => a - b);
    }
    r.ticks.set(t);
  }

  addMpi(r: Row<'mpi_samples'>): void {
    let m = this.mpiPoints.get(r.rank);
    if (!m) this.mpiPoints.set(r.rank, (m = { host: r.host, points: this.series(lastPoint) }));
    m.points.set({ ts: r.ts, wall_s: r.wall_s, mpi_s: r.mpi_s, mpi_cpu_s: r.mpi_cpu_s, cpu_s: r.cpu_s });
  }

  /** A new series of the run, on the run's grid from its first tick (a host or rank that joins a long run late). */
  private series<T extends { readonly ts: number }>(merge: MergeTicks<T>, store?: TickStore<T>): TickSeries<T> {
    const s = new TickSeries(merge, store);
    s.compact(this.compacted.bucketMs);
    return s;
  }

  /**
   * A long run's history older than FINE_MS is merged into buckets, wider as the run ages, so its
   * state stays bounded (a day-long run holds about as much as a half-hour one). Every series of
   * the run is merged on one grid, so hosts' buckets still meet at the same times. Runs up to half
   * an hour are never merged.
   */
  private compactIfDue(): void {
    const bucketMs = bucketMsFor(this.lastDataTs - this.firstDataTs);
    if (bucketMs === 0) return;
    const upTo = Math.floor((this.lastDataTs - FINE_MS) / bucketMs) * bucketMs;
    if (bucketMs === this.compacted.bucketMs && upTo <= this.compacted.upTo) return;
    this.compacted = { bucketMs, upTo };
    for (const s of this.hostTicks.values()) s.compact(bucketMs);
    for (const r of this.rankTicks.values()) r.ticks.compact(bucketMs);
    for (const m of this.mpiPoints.values()) m.points.compact(bucketMs);
  }

  addGpuProc(host: string, ts: number, gpu: string): void {
    const k = `${host}|${ts}|${gpu}`;
    const held = this.gpuProcs.get(k);
    if (held) held.n++;
    else this.gpuProcs.set(k, { ts, n: 1 });
    // Kept in arrival order, which is time order but for late rows: the oldest go first.
    for (const [key, v] of this.gpuProcs) {
      if (v.ts >= ts - HOST_HISTORY_MS) break;
      this.gpuProcs.delete(key);
    }
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

  /** The detectors' view of the run from `from` (epoch ms) on; the whole run by default. `live`: RunWindow.live. */
  window(hosts: ReadonlyMap<string, HostState>, from = 0, live = false): RunWindow {
    // A window reaching into the merged history (the whole run) comes on the run's grid throughout.
    const grid = this.compacted.bucketMs > 0 && from < this.lastDataTs - FINE_MS ? this.compacted.bucketMs : 0;
    const views: HostView[] = this.hostOrder.map((host) => this.hostView(host, (this.hostTicks.get(host) as TickSeries<RunTick>).since(from, grid), hosts.get(host), from));
    const ranks: RankView[] = this.rankOrder.map((rank) => this.rankView(rank, from, grid));
    const mpi: MpiRankView[] = [...this.mpiPoints.entries()].sort(([a], [b]) => a - b)
      .map(([rank, m]) => ({ rank, host: m.host, points: m.points.since(from, grid) }));
    const first = views[0];
    return {
      // Run-level ticks sum all hosts, so they are judged against the whole allocation.
      run_id: this.run_id, host: first?.host ?? '', alloc_cores: this.allocCores * Math.max(1, views.length), alloc_gpus: this.meta?.alloc_gpus ?? 0,
      mem_total_bytes: first?.profile?.mem_total_bytes ?? first?.node[first.node.length - 1]?.mem_total_bytes ?? null,
      // One host's ticks are the run's: the same array, which no reader changes, not a copy per run and tick.
      ticks: views.length === 1 ? (first?.ticks ?? []) : mergeBySecond(views.map((v) => v.ticks), true),
      node: first?.node ?? [], hosts: views, ranks, ...(mpi.length > 0 ? { mpi } : {}), ...(grid > 0 ? { tick_s: grid / 1000 } : {}),
      ...(live ? { live } : {}),
    };
  }

  /** A rank's view: where its recent ticks cover the window, their user-CPU sum from its columns, and its ticks cut only if read. */
  private rankView(rank: number, from: number, grid: number): RankView {
    const r = this.rankTicks.get(rank) as { host: string; ticks: TickSeries<RankTick> };
    const user = grid === 0 ? r.ticks.sumSince(from) : null;
    return user ? new SummedRank(rank, r.host, r.ticks, from, user) : { rank, host: r.host, ticks: r.ticks.since(from, grid) };
  }

  private hostView(host: string, ticks: RunTick[], h: HostState | undefined, windowFrom: number): HostView {
    const from = ticks[0]?.ts ?? 0;
    const to = ticks[ticks.length - 1]?.ts ?? 0;
    // The whole run starts at its start row, before its first sample; a trailing window at its first tick.
    const live = { start: windowFrom === 0 && this.meta ? Math.min(this.meta.start_ts, from) : from, end: Math.max(this.meta?.end_ts ?? to, to) };
    const events = h ? eventsForRun(h.events, { pids: this.pids.get(host) ?? new Set(), cgroups: this.cgroups.get(host) ?? new Set(), live }) : [];
    const gpus = h ? h.between(h.gpus, from, to).map((g) => ({ ...g, run_procs: this.gpuProcs.get(`${host}|${g.ts}|${g.gpu_uuid}`)?.n ?? 0 })) : [];
    const cgroup = h?.cgroup.get(this.run_id) ?? [];
    return {
      host, ticks, profile: h?.profile ?? null, gpus, ...(h ? { storage: h.storage() } : {}),
      node: h ? h.between(h.node, from, to) : [],
      background: h ? h.outsideFor(this.run_id, from, to) : [],
      cgroup: h ? h.between(cgroup, from, to) : [],
      ib: h ? h.between(h.ib, from, to) : [], events, live,
      inOrder: !h || h.inOrder([h.node, h.background, cgroup, h.gpus, h.ib]),
    };
  }
}

/** A rank's view from its columns' sums, its ticks made only if read (a class: no closure per rank and tick). */
class SummedRank implements RankView {
  private cut: RankTick[] | undefined;

  constructor(readonly rank: number, readonly host: string, private readonly series: TickSeries<RankTick>, private readonly from: number, readonly user: WindowSum) {}

  get ticks(): RankTick[] {
    return (this.cut ??= this.series.since(this.from));
  }
}

const userCores = (t: RankTick): number => t.user_cores;
const rankTickOf = (ts: number, user: number): RankTick => ({ ts, user_cores: user });

/** MPI reports are totals since MPI_Init: a bucket keeps its newest. */
function lastPoint(ts: number, points: readonly MpiPoint[]): MpiPoint {
  return { ...(points[points.length - 1] as MpiPoint), ts };
}

/** Adds `item` to `list`, which is in `order`, where it belongs. */
function insertSorted<T>(list: T[], item: T, order: (a: T, b: T) => number): void {
  let at = list.length;
  while (at > 0 && order(list[at - 1] as T, item) > 0) at--;
  list.splice(at, 0, item);
}
