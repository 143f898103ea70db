import { type Row, groupBy } from '@runlens/schemas';
import type { StorageCapability } from './storage-capability.ts';
import { lowerBound } from './tick-series.ts';

/** What detectors see of a run: per-tick aggregates of its processes, its hosts and its ranks. */
export interface RunTick {
  readonly ts: number;
  readonly cpu_cores: number;
  readonly user_cores: number;
  readonly sys_cores: number;
  /** CPU used by processes that saturate their threads (on CPU or waiting for one). */
  readonly pegged_cpu_cores: number;
  readonly run_delay_cores: number;
  readonly rss_bytes: number;
  readonly storage_bytes_per_s: number;
  readonly write_bytes_per_s: number;
  readonly syscall_bytes_per_s: number;
  readonly syscalls_per_s: number;
  readonly invol_ctxsw_per_s: number;
  /** Major page faults: pages read back from disk (a file's first read, or what reclaim took). */
  readonly majflt_per_s: number;
  /** Processes of the group that started during the tick (absent where none did). */
  readonly newcomers?: Newcomers;
  readonly procs: number;
  readonly d_state_procs: number;
  readonly stopped_procs: number;
  readonly threads: number;
}

export interface NodeTick {
  readonly ts: number;
  readonly iowait_cores: number;
  readonly psi_io_some: number | null;
  readonly psi_memory_some: number | null;
  readonly psi_cpu_some?: number | null;
  readonly mem_available_bytes?: number;
  readonly mem_total_bytes?: number;
  readonly online_cpus?: number;
  readonly steal_cores?: number;
}

/** Processes that started during a tick: their CPU averaged over the tick (as every tick's amounts), and the share of the tick since the oldest of them started. */
export interface Newcomers {
  readonly cores: number;
  readonly share: number;
}

/** CPU used on a host by processes outside any run: the interference candidates. */
export interface BackgroundTick {
  readonly ts: number;
  readonly cpu_cores: number;
  /** The busiest outside process, or `run <id>` when another run on the host took more. */
  readonly top_comm: string;
  /** Of cpu_cores, what other runs on the host used (absent where none ran). */
  readonly run_cores?: number;
  /** The other run that used the most CPU at this tick. */
  readonly top_run?: string;
  /** Processes outside any run that started during this tick (absent where none did). */
  readonly newcomers?: Newcomers;
}

export interface CgroupTick {
  readonly ts: number;
  readonly throttled_ratio: number | null;
  readonly quota_cores: number | null;
  readonly mem_usage_bytes: number | null;
  readonly mem_limit_bytes: number | null;
}

export interface GpuTick {
  readonly ts: number;
  readonly gpu_uuid: string;
  readonly util_ratio: number | null;
  readonly mem_used_bytes: number | null;
  readonly throttle_reasons: readonly string[];
  readonly ecc_uncorrected: number | null;
  /** Processes of this run on the GPU at this tick. */
  readonly run_procs: number;
}

/** Ticks of each GPU on a host, keyed by uuid, in arrival order. */
export function byGpu(gpus: readonly GpuTick[]): Map<string, GpuTick[]> {
  return groupBy(gpus, (g) => g.gpu_uuid);
}

export interface IbTick {
  readonly ts: number;
  readonly port: string;
  readonly state: string;
  readonly link_rate_gbps: number | null;
  readonly rx_bytes_per_s: number;
  readonly tx_bytes_per_s: number;
  readonly xmit_wait_per_s: number | null;
  readonly errors_per_s: number;
  readonly link_downed: number;
}

export interface HostProfile {
  readonly logical_cpus: number;
  readonly mem_total_bytes: number;
  readonly pmu_available: boolean;
  readonly ib_link_rate_gbps: number | null;
}

/** A kernel or driver event on a host (a node_events row), as the detectors see it. */
export type HostEvent = Omit<Row<'node_events'>, 'host' | 'priority'> & {
  /** How it names a process of this run while live: a pid sampled in the run on this host, or the run's memory cgroup. */
  readonly owned_by: 'pid' | 'cgroup' | null;
};

export interface HostView {
  readonly host: string;
  readonly ticks: readonly RunTick[];
  readonly node: readonly NodeTick[];
  readonly background: readonly BackgroundTick[];
  readonly cgroup: readonly CgroupTick[];
  readonly gpus: readonly GpuTick[];
  readonly ib: readonly IbTick[];
  readonly profile: HostProfile | null;
  /** What the host's block devices can do (device_profiles); absent or unknown where not measured nor declared. */
  readonly storage?: StorageCapability;
  /** Kernel events on the host up to the end of `live` (older ones too, for stalls that began before). */
  readonly events?: readonly HostEvent[];
  /** When the run was live on this host (epoch ms): its start (or the window's) to its end (or last tick). */
  readonly live?: { readonly start: number; readonly end: number };
  /** Every host series here is in time order (none of the host's came late): a shorter window is cut from them by a search. */
  readonly inOrder?: boolean;
}

/**
 * Whether a host's view holds any GPU, InfiniBand or kernel-event data: the detectors of those
 * skip a run that has none before building anything (they are asked per run at every tick).
 */
export const hasGpuTicks = (h: HostView): boolean => h.gpus.length > 0;
export const hasIbTicks = (h: HostView): boolean => h.ib.length > 0;
export const hasEvents = (h: HostView): boolean => (h.events?.length ?? 0) > 0;

/**
 * A rank's tick: the one value its reader (load_imbalance's progress) takes from it. A run keeps a
 * series per rank for FINE_MS (tick-series.ts): as a RunTick's 17 values per rank and second they
 * were most of the analyzer's heap, and cutting them took about a third off its CPU per row
 * (benchmarks/analyzer, the collector's work over them).
 */
export interface RankTick {
  readonly ts: number;
  readonly user_cores: number;
}

export interface RankView {
  readonly rank: number;
  readonly host: string;
  readonly ticks: readonly RankTick[];
  /**
   * Its ticks' count, user-CPU sum (added in time order) and first and last times, where the run's
   * state keeps them as columns (tick-series.ts): what load_imbalance asks of every rank at every
   * tick, without a read of each tick object, which lie scattered in the heap. Absent where not
   * kept; a view cut from another (`trailing`) has none.
   */
  readonly user?: { readonly n: number; readonly sum: number; readonly first: number; readonly last: number };
}

/** A rank's report of its time inside MPI (mpi_samples): cumulative seconds since MPI_Init. */
export interface MpiPoint {
  readonly ts: number;
  readonly wall_s: number;
  readonly mpi_s: number;
  readonly mpi_cpu_s: number;
  readonly cpu_s: number;
}

/** The MPI reports of one rank over the window, oldest first. */
export interface MpiRankView {
  readonly rank: number;
  readonly host: string;
  readonly points: readonly MpiPoint[];
}

export interface RunWindow {
  readonly run_id: string;
  readonly host: string;
  /** Cores allocated to the run over all its hosts (the scale of `ticks`). */
  readonly alloc_cores: number;
  readonly mem_total_bytes: number | null;
  /** Run-level ticks: all hosts summed per second (per bucket, in a long run's whole-run window). */
  readonly ticks: readonly RunTick[];
  /** Seconds each tick stands for: a long run's whole history comes in buckets (tick-series.ts); 1 when absent. */
  readonly tick_s?: number;
  /** Node ticks of the first host (single-host runs). */
  readonly node: readonly NodeTick[];
  readonly hosts?: readonly HostView[];
  readonly ranks?: readonly RankView[];
  /** Per-rank time inside MPI, where the PMPI library reported it (`runlens run --mpi`). */
  readonly mpi?: readonly MpiRankView[];
  readonly alloc_gpus?: number;
  /**
   * A running run's window, as the live evaluation cuts it (stream/live-eval.ts): its newest tick is
   * the run's present, so a strong one may raise a finding at once (detectors/fast-onset.ts).
   */
  readonly live?: boolean;
}

/** Seconds a window covers: the gaps between tick times, plus one nominal tick. */
export function spanSeconds(ticks: readonly { ts: number }[]): number {
  if (ticks.length === 0) return 0;
  const first = ticks[0]?.ts ?? 0;
  const last = ticks[ticks.length - 1]?.ts ?? first;
  return (last - first) / 1000 + (ticks.length > 1 ? (last - first) / 1000 / (ticks.length - 1) : 1);
}

/** Series up to this long are scanned by nearest. */
const SCAN_MAX = 16;

/** Whether a series is in time order (no NaN), remembered per array and length: detectors ask per tick. */
const ordered = new WeakMap<readonly { ts: number }[], { length: number; sorted: boolean }>();

function inTimeOrder(series: readonly { ts: number }[]): boolean {
  const known = ordered.get(series);
  if (known?.length === series.length) return known.sorted;
  let sorted = true;
  for (let i = 0; i < series.length && sorted; i++) {
    const t = series[i]?.ts ?? NaN;
    sorted = !Number.isNaN(t) && (i === 0 || t >= (series[i - 1]?.ts ?? NaN));
  }
  ordered.set(series, { length: series.length, sorted });
  return sorted;
}

/**
 * The tick nearest in time to `ts`, within 2 s; of equally near ones, the first. Detectors ask
 * this per tick of the window: a binary search where the series is in time order (a window's
 * always is), a scan otherwise.
 */
export function nearest<T extends { ts: number }>(series: readonly T[], ts: number): T | null {
  let best: T | null = null;
  // A short series (a live window of a few ticks, an empty one) is scanned: remembering its order would cost more.
  if (series.length > SCAN_MAX && inTimeOrder(series)) {
    const at = lowerBound(series, ts);
    const above = series[at];
    const below = series[at - 1];
    const firstBelow = below ? series[lowerBound(series, below.ts)] : undefined;
    best = !firstBelow ? (above ?? null) : !above || ts - firstBelow.ts <= above.ts - ts ? firstBelow : above;
  } else {
    for (const n of series) if (!best || Math.abs(n.ts - ts) < Math.abs(best.ts - ts)) best = n;
  }
  return best && Math.abs(best.ts - ts) <= 2000 ? best : null;
}

/** The node tick nearest in time to `ts` (node and process ticks share tick times per host). */
export function nodeAt(window: RunWindow, ts: number): NodeTick | null {
  return nearest(window.node, ts);
}
