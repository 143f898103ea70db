import type { Row } from '@runlens/schemas';
import { MAX_HOST_EVENTS, type StoredEvent, storedEvent } from './host-events.ts';
import { type RunLoadTick, outsideOf } from './run-load.ts';
import { type StorageCapability, hostStorage } from '../window/storage-capability.ts';
import type { BackgroundTick, CgroupTick, GpuTick, HostProfile, IbTick, NodeTick } from '../window/run-window.ts';

/** Keep this much host history: enough for the long window and a run's recent past. */
export const HOST_HISTORY_MS = 60 * 60 * 1000;

function trim<T extends { ts: number }>(series: T[], now: number): void {
  let n = 0;
  while (n < series.length && (series[n]?.ts ?? now) < now - HOST_HISTORY_MS) n++;
  if (n > 0) series.splice(0, n);
}

/** What the analyzer knows about one host, independent of runs. */
export class HostState {
  readonly node: NodeTick[] = [];
  readonly background: BackgroundTick[] = [];
  /** Every run's CPU on this host per tick (from the host topic's run-load rows). */
  readonly runLoads: RunLoadTick[] = [];
  readonly cgroup = new Map<string, CgroupTick[]>();
  readonly gpus: Omit<GpuTick, 'run_procs'>[] = [];
  readonly ib: IbTick[] = [];
  readonly events: StoredEvent[] = [];
  profile: HostProfile | null = null;
  private readonly devices = new Map<string, Row<'device_profiles'>>();

  constructor(readonly host: string) {}

  addNode(r: Row<'node_samples'>): void {
    this.node.push({
      ts: r.ts, iowait_cores: r.cpu_iowait_cores, psi_io_some: r.psi_io_some, psi_memory_some: r.psi_memory_some,
      psi_cpu_some: r.psi_cpu_some, mem_available_bytes: r.mem_available_bytes, mem_total_bytes: r.mem_total_bytes,
      online_cpus: r.online_cpus, steal_cores: r.cpu_steal_cores,
    });
    trim(this.node, r.ts);
  }

  addBackground(t: BackgroundTick): void {
    this.background.push(t);
    trim(this.background, t.ts);
  }

  addRunLoad(t: RunLoadTick): void {
    this.runLoads.push(t);
    trim(this.runLoads, t.ts);
  }

  /** Outside load as `runId` sees it: processes outside any run and every other run. */
  outsideFor(runId: string, from: number, to: number): BackgroundTick[] {
    return outsideOf(runId, this.between(this.background, from, to), this.between(this.runLoads, from, to));
  }

  addCgroup(r: Row<'cgroup_samples'>): void {
    if (!r.run_id) return;
    const list = this.cgroup.get(r.run_id) ?? [];
    list.push({ ts: r.ts, throttled_ratio: r.cpu_throttled_ratio, quota_cores: r.cpu_quota_cores, mem_usage_bytes: r.mem_usage_bytes, mem_limit_bytes: r.mem_limit_bytes });
    trim(list, r.ts);
    this.cgroup.set(r.run_id, list);
  }

  addGpu(r: Row<'gpu_samples'>): void {
    this.gpus.push({ ts: r.ts, gpu_uuid: r.gpu_uuid, util_ratio: r.util_ratio, mem_used_bytes: r.mem_used_bytes, throttle_reasons: r.throttle_reasons, ecc_uncorrected: r.ecc_uncorrected });
    trim(this.gpus, r.ts);
  }

  addIb(r: Row<'ib_samples'>): void {
    this.ib.push({
      ts: r.ts, port: `${r.device}/${r.port}`, state: r.state, link_rate_gbps: r.link_rate_gbps, rx_bytes_per_s: r.rx_bytes_per_s,
      tx_bytes_per_s: r.tx_bytes_per_s, xmit_wait_per_s: r.xmit_wait_per_s, errors_per_s: r.errors_per_s, link_downed: r.link_downed,
    });
    trim(this.ib, r.ts);
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
    if ((this.devices.get(r.device)?.ts ?? -Infinity) <= r.ts) this.devices.set(r.device, r);
  }

  storage(): StorageCapability {
    return hostStorage([...this.devices.values()]);
  }

  setProfile(r: Row<'node_profiles'>): void {
    this.profile = { logical_cpus: r.logical_cpus, mem_total_bytes: r.mem_total_bytes, pmu_available: r.pmu_available === 1, ib_link_rate_gbps: r.ib_link_rate_gbps };
  }

  between<T extends { ts: number }>(series: readonly T[], from: number, to: number): T[] {
    return series.filter((t) => t.ts >= from - 1500 && t.ts <= to + 1500);
  }
}
