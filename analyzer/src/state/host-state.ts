import type { Row } from '@runlens/schemas';
import { MAX_HOST_EVENTS, type StoredEvent, storedEvent } from './host-events.ts';
import { OutsideMemo } from './outside-memo.ts';
import { LoadColumns } from './load-columns.ts';
import { type OutsideSeries, type RunLoadTick, mergeInOrder, outsideOf } from './run-load.ts';
import { type StorageCapability, hostStorage } from '../window/storage-capability.ts';
import type { BackgroundTick, CgroupTick, GpuTick, HostProfile, IbTick, NodeTick } from '../window/run-window.ts';
import { lowerBound, timesLowerBound, timesUpperBound, upperBound } from '../window/tick-series.ts';

/** Keep this much host history: enough for the long window and a run's recent past. */
export const HOST_HISTORY_MS = 60 * 60 * 1000;

/** Drops what is older than the history from the front of a series (and of its times, where kept). */
function trim<T extends { ts: number }>(series: T[], now: number, times?: number[]): void {
  let n = 0;
  while (n < series.length && (series[n]?.ts ?? now) < now - HOST_HISTORY_MS) n++;
  if (n === 0) return;
  series.splice(0, n);
  times?.splice(0, n);
}

/** Keys of one value per time in a host's series: the host (node rows, background), a run, a GPU, a port. */
const anyAtTs = (): boolean => true;
const sameGpu = (a: { gpu_uuid: string }, b: { gpu_uuid: string }): boolean => a.gpu_uuid === b.gpu_uuid;
const samePort = (a: IbTick, b: IbTick): boolean => a.port === b.port;

/** What the analyzer knows about one host, independent of runs. */
export class HostState {
  readonly node: NodeTick[] = [];
  readonly background: BackgroundTick[] = [];
  /** Every run's CPU on this host per tick (the router's run-load rows, copied into each run's partition), as columns. */
  private readonly loads = new LoadColumns();
  /** The times of the background, side by side with it (run-load.ts OutsideSeries), as every window reads them. */
  private readonly bgTs: number[] = [];
  private readonly outsideSeries: OutsideSeries = { background: this.background, bgTs: this.bgTs, loads: this.loads };
  readonly cgroup = new Map<string, CgroupTick[]>();
  readonly gpus: Omit<GpuTick, 'run_procs'>[] = [];
  readonly ib: IbTick[] = [];
  readonly events: StoredEvent[] = [];
  profile: HostProfile | null = null;
  private readonly devices = new Map<string, Row<'device_profiles'>>();
  private capability: StorageCapability | null = null;
  /** Series that got a value out of time order (a late or replayed batch): read by filtering, not by binary search. */
  private readonly unordered = new WeakSet<readonly unknown[]>();
  private readonly outside = new OutsideMemo();

  constructor(readonly host: string) {}

  /**
   * Appends in arrival order and drops what is older than the history; a value out of time order
   * marks the series unordered. A value `same` as one held at its time (a replay's copy, which the
   * digest of recent messages no longer catches) replaces it, so host rows are idempotent, as a
   * run's ticks are (TickSeries).
   */
  private append<T extends { ts: number }>(series: T[], t: T, same: (a: T, b: T) => boolean = anyAtTs, times?: number[]): void {
    const last = series[series.length - 1];
    if (last && t.ts <= last.ts) {
      const at = this.indexOf(series, t, same);
      if (at >= 0) {
        series[at] = t;
        return;
      }
      if (t.ts < last.ts) this.unordered.add(series);
    }
    if (Number.isNaN(t.ts)) this.unordered.add(series);
    series.push(t);
    times?.push(t.ts);
    trim(series, t.ts, times);
  }

  /** Whether each of these series (and, with `background`, the run loads its outside load is read with) holds its values in time order. */
  inOrder(series: readonly (readonly unknown[])[]): boolean {
    for (const s of series) if (this.unordered.has(s) || (s === this.background && this.loads.unordered)) return false;
    return true;
  }

  private indexOf<T extends { ts: number }>(series: readonly T[], t: T, same: (a: T, b: T) => boolean): number {
    if (this.unordered.has(series)) return series.findIndex((x) => x.ts === t.ts && same(x, t));
    for (let i = lowerBound(series, t.ts); i < series.length && series[i]?.ts === t.ts; i++) if (same(series[i] as T, t)) return i;
    return -1;
  }

  addNode(r: Row<'node_samples'>): void {
    this.append(this.node, {
      ts: r.ts, iowait_cores: r.cpu_iowait_cores, psi_io_some: r.psi_io_some, psi_memory_some: r.psi_memory_some,
      psi_cpu_some: r.psi_cpu_some, mem_available_bytes: r.mem_available_bytes, mem_total_bytes: r.mem_total_bytes,
      online_cpus: r.online_cpus, steal_cores: r.cpu_steal_cores,
    });
  }

  addBackground(t: BackgroundTick): void {
    this.append(this.background, t, anyAtTs, this.bgTs);
    this.outside.changed(t.ts);
  }

  /**
   * A run's CPU at a tick; a second value for the same run and tick replaces the first. The router
   * sends a host's run loads once per bus batch (run-router.ts), so a replay after a crash may group
   * them differently: by content alone a repeat would not be recognised and would count twice.
   */
  addRunLoad(t: RunLoadTick): void {
    this.loads.add(t, t.ts - HOST_HISTORY_MS);
    this.outside.changed(t.ts);
  }

  /** The run loads within 1.5 s of [from, to], in the order they arrived (as `between` gives a series). */
  runLoadsBetween(from: number, to: number): RunLoadTick[] {
    return this.loads.between(from, to);
  }

  /** Every run load held, in the order they arrived. */
  get runLoads(): RunLoadTick[] {
    return Array.from({ length: this.loads.length }, (_, i) => this.loads.at(i));
  }

  /**
   * Outside load as `runId` sees it within 1.5 s of [from, to]: processes outside any run and every
   * other run. Read in place, each tick worked out once for all evaluations (outside-memo.ts).
   */
  outsideFor(runId: string, from: number, to: number): BackgroundTick[] {
    const { background: bg, loads, bgTs } = this;
    if (this.unordered.has(bg) || loads.unordered) return outsideOf(runId, this.between(bg, from, to), loads.between(from, to));
    const range = { b0: timesLowerBound(bgTs, from - 1500), b1: timesUpperBound(bgTs, to + 1500), l0: timesLowerBound(loads.ts, from - 1500), l1: timesUpperBound(loads.ts, to + 1500) };
    return mergeInOrder(runId, this.outsideSeries, range, this.outside.of(runId));
  }

  addCgroup(r: Row<'cgroup_samples'>): void {
    if (!r.run_id) return;
    const list = this.cgroup.get(r.run_id) ?? [];
    this.append(list, { ts: r.ts, throttled_ratio: r.cpu_throttled_ratio, quota_cores: r.cpu_quota_cores, mem_usage_bytes: r.mem_usage_bytes, mem_limit_bytes: r.mem_limit_bytes });
    this.cgroup.set(r.run_id, list);
  }

  addGpu(r: Row<'gpu_samples'>): void {
    this.append(this.gpus, { ts: r.ts, gpu_uuid: r.gpu_uuid, util_ratio: r.util_ratio, mem_used_bytes: r.mem_used_bytes, throttle_reasons: r.throttle_reasons, ecc_uncorrected: r.ecc_uncorrected }, sameGpu);
  }

  addIb(r: Row<'ib_samples'>): void {
    this.append(this.ib, {
      ts: r.ts, port: `${r.device}/${r.port}`, state: r.state, link_rate_gbps: r.link_rate_gbps, rx_bytes_per_s: r.rx_bytes_per_s,
      tx_bytes_per_s: r.tx_bytes_per_s, xmit_wait_per_s: r.xmit_wait_per_s, errors_per_s: r.errors_per_s, link_downed: r.link_downed,
    }, samePort);
  }

  /** A kernel event; a replayed duplicate (same seq and time) is kept once. */
  addEvent(r: Row<'node_events'>): void {
    if (this.events.some((e) => e.seq === r.seq && e.ts === r.ts)) return;
    let at = this.events.length;
    while (at > 0 && (this.events[at - 1]?.ts ?? 0) > r.ts) at--;
    this.events.splice(at, 0, storedEvent(r));
    trim(this.events, Math.max(r.ts, this.events[this.events.length - 1]?.ts ?? r.ts));
    if (this.events.length > MAX_HOST_EVENTS) this.events.splice(0, this.events.length - MAX_HOST_EVENTS);
  }

  /** The newest capability row of each block device. */
  setDevice(r: Row<'device_profiles'>): void {
    if ((this.devices.get(r.device)?.ts ?? -Infinity) <= r.ts) {
      this.devices.set(r.device, r);
      this.capability = null;
    }
  }

  /** The host's storage capability, worked out again only when a device row changed (every run's window asks at every tick). */
  storage(): StorageCapability {
    return (this.capability ??= hostStorage([...this.devices.values()]));
  }

  setProfile(r: Row<'node_profiles'>): void {
    this.profile = { logical_cpus: r.logical_cpus, mem_total_bytes: r.mem_total_bytes, pmu_available: r.pmu_available === 1, ib_link_rate_gbps: r.ib_link_rate_gbps };
  }

  /** The values of a series within 1.5 s of [from, to], in the order they arrived: a binary search while the series is in time order. */
  between<T extends { ts: number }>(series: readonly T[], from: number, to: number): T[] {
    if (this.unordered.has(series)) return series.filter((t) => t.ts >= from - 1500 && t.ts <= to + 1500);
    return series.slice(lowerBound(series, from - 1500), upperBound(series, to + 1500));
  }
}
