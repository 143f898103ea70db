import type { FindingKind, Row } from '@runlens/schemas';
import type { FindingDraft } from '../detectors/detector.ts';
import { round, runFinding } from '../detectors/detector.ts';
import { MIN_CPU_CORES, MIN_USER_SHARE } from '../detectors/cpu_bound/index.ts';
import { MIN_DELAY_SHARE, MIN_OUTSIDE_SHARE } from '../detectors/cpu_interference/index.ts';
import { IO_CAPABILITY_SHARE, MIN_STORAGE_BYTES_PER_S } from '../detectors/io_bound/index.ts';
import { NO_STORAGE, type StorageCapability, capabilityShare, runStorage } from '../window/storage-capability.ts';
import { EFFICIENCY_THRESHOLD, IDLE_CPU_CORES } from '../detectors/low_cpu_utilization/index.ts';
import { CGROUP_LIMIT_SHARE } from '../detectors/memory_pressure/index.ts';
import { type RunWindow, spanSeconds } from '../window/run-window.ts';
import { type RunTotals, runTotals } from './run-totals.ts';

/**
 * A run too short for the per-tick detectors is judged on what it did in total: CPU seconds
 * against wall time, storage bytes per second against the device, peak RSS against memory. Same
 * finding kinds, evidence `judged_on: 'totals'`. cpu_bound, low_cpu_utilization and io_bound need 3
 * ticks over 3 s, but a run's first and last ticks are partial: below 5 ticks their means are
 * mostly edges (a 2 s stress-ng on its one core read as 58% utilised), so the totals decide.
 */
export const SHORT_RUN_MIN_TICKS = 5;
export const SHORT_RUN_MIN_SPAN_S = 5;
/**
 * Share of its cores a short run must keep busy to be cpu_bound: below the per-tick PEGGED_SHARE
 * (0.8) because exec, start-up and exit are a tenth of a 2 s run's wall time (stress-ng --cpu 1
 * for 2 s measured 0.79 to 0.92 cores here).
 */
export const SHORT_RUN_BUSY_SHARE = 0.7;
/** Kinds whose per-tick judgement a short run's totals replace; the others only fill in. */
export const TOTALS_DECIDE: readonly FindingKind[] = ['cpu_bound', 'low_cpu_utilization'];

/** Fewer ticks than the per-tick detectors need. */
export function isShortRun(ticks: readonly { ts: number }[]): boolean {
  return ticks.length < SHORT_RUN_MIN_TICKS || spanSeconds(ticks) < SHORT_RUN_MIN_SPAN_S;
}

/** The storage capability of the run's hosts, from their device_profiles (unknown where none). */
export function capabilityOf(w: RunWindow): StorageCapability {
  return runStorage((w.hosts ?? []).map((h) => h.storage ?? NO_STORAGE));
}

const cpuS = (t: RunTotals): number => t.cpu_user_s + t.cpu_sys_s;
const coresOf = (t: RunTotals): number => cpuS(t) / t.wall_s;

function draft(kind: FindingKind, w: RunWindow, t: RunTotals, f: Pick<FindingDraft, 'severity' | 'confidence' | 'message' | 'advice' | 'evidence'>): FindingDraft {
  const evidence = { ...f.evidence, judged_on: 'totals', totals_source: t.source, wall_s: round(t.wall_s, 2), ticks: w.ticks.length };
  return runFinding(kind, w, { start: t.start_ts, end: t.end_ts }, { ...f, message: `${f.message} (short run, judged on totals)`, evidence });
}

/** Outside processes took CPU while the run waited for it: what the samples it has show. */
function starved(t: RunTotals, w: RunWindow): boolean {
  const cpus = w.hosts?.[0]?.profile?.logical_cpus ?? w.node[w.node.length - 1]?.online_cpus ?? w.alloc_cores;
  return t.outside_cores >= Math.max(0.5, MIN_OUTSIDE_SHARE * cpus) && t.run_delay_cores >= MIN_DELAY_SHARE * Math.max(coresOf(t), 0.1);
}

function cpuFindings(t: RunTotals, w: RunWindow): FindingDraft[] {
  const cores = coresOf(t);
  const isStarved = starved(t, w);
  // A starved run is judged on what it asked for: the CPU it got plus the CPU it waited for.
  const demand = cores + (isStarved ? t.run_delay_cores : 0);
  const out: FindingDraft[] = [];
  const computes = demand >= MIN_CPU_CORES && demand >= SHORT_RUN_BUSY_SHARE * Math.max(1, Math.round(demand)) && t.cpu_user_s >= MIN_USER_SHARE * cpuS(t);
  if (computes) out.push(draft('cpu_bound', w, t, {
    severity: 'info', confidence: 0.8,
    message: `CPU-bound: ${round(cores, 2)} cores busy computing over ${round(t.wall_s, 1)} s`,
    advice: 'Compute limits this run: profile the hot loops (perf record -g, or VTune/uProf) and check vectorisation and compiler flags.',
    evidence: { cpu_cores_mean: round(cores), cpu_s: round(cpuS(t)), alloc_cores: w.alloc_cores, busy_share_threshold: SHORT_RUN_BUSY_SHARE, min_cpu_cores: MIN_CPU_CORES },
  }));
  if (isStarved) out.push(draft('cpu_interference', w, t, {
    severity: 'warning', confidence: 0.7,
    message: `CPU interference: ${round(t.outside_cores, 2)} cores taken by processes outside the run (${t.top_outside}) while it waited for CPU`,
    advice: 'Ask operations who else runs on the node (exclusive allocation, or cgroup/cpuset isolation); check for daemons with top -H; pin the run with --cpu-bind.',
    evidence: { outside_cores_mean: round(t.outside_cores), run_delay_cores_mean: round(t.run_delay_cores), top_outside: t.top_outside, min_outside_share: MIN_OUTSIDE_SHARE, min_delay_share: MIN_DELAY_SHARE },
  }));
  return [...out, ...lowUtilisation(t, w)];
}

function lowUtilisation(t: RunTotals, w: RunWindow): FindingDraft[] {
  const cores = coresOf(t);
  const efficiency = cores / w.alloc_cores;
  if (cores < IDLE_CPU_CORES || efficiency >= EFFICIENCY_THRESHOLD) return [];
  return [draft('low_cpu_utilization', w, t, {
    severity: efficiency < 0.3 ? 'warning' : 'info', confidence: round(Math.min(1, (EFFICIENCY_THRESHOLD - efficiency) / EFFICIENCY_THRESHOLD + 0.5)),
    message: `Low CPU utilisation: ${round(cores, 2)} of ${w.alloc_cores} allocated cores used (${Math.round(efficiency * 100)}%)`,
    advice: `${round(w.alloc_cores - cores, 1)} cores sat idle: request fewer cores (e.g. --cpus-per-task=${Math.max(1, Math.ceil(cores))}) or add threads/ranks.`,
    evidence: { cpu_cores_mean: round(cores), alloc_cores: w.alloc_cores, efficiency: round(efficiency), threshold: EFFICIENCY_THRESHOLD },
  })];
}

/** Storage bytes per second over the whole run. */
export function storageRate(t: Pick<RunTotals, 'read_bytes' | 'write_bytes' | 'wall_s'>): number {
  return (t.read_bytes + t.write_bytes) / t.wall_s;
}

function ioFindings(t: RunTotals, w: RunWindow, cap: StorageCapability): FindingDraft[] {
  const rate = storageRate(t);
  const share = capabilityShare(t.read_bytes / t.wall_s, t.write_bytes / t.wall_s, cap, MIN_STORAGE_BYTES_PER_S);
  if (share === null || rate < MIN_STORAGE_BYTES_PER_S || share < IO_CAPABILITY_SHARE) return [];
  return [draft('io_bound', w, t, {
    severity: 'info', confidence: round(Math.min(1, share)),
    message: `IO-bound: ${round(rate / 1048576, 1)} MiB/s of storage IO, ${Math.round(share * 100)}% of the device's bandwidth`,
    advice: 'Storage limits this run: use larger, aligned requests or async IO, stage data to local/burst storage, and trace with strace -c / iostat -x / Darshan.',
    evidence: {
      storage_bytes_per_s_mean: round(rate, 0), device_share: round(share), capability_share: IO_CAPABILITY_SHARE,
      device_read_bytes_per_s: cap.read_bytes_per_s ?? 'unknown', device_write_bytes_per_s: cap.write_bytes_per_s ?? 'unknown',
    },
  })];
}

function memoryFindings(t: RunTotals, w: RunWindow): FindingDraft[] {
  const limit = w.mem_total_bytes;
  if (!limit || t.peak_rss_bytes < CGROUP_LIMIT_SHARE * limit) return [];
  return [draft('memory_pressure', w, t, {
    severity: 'warning', confidence: 0.7,
    message: `Memory pressure: peak RSS ${round(t.peak_rss_bytes / 2 ** 30, 2)} GiB of ${round(limit / 2 ** 30, 2)} GiB`,
    advice: 'Request more memory per task, or reduce the working set (smaller batches, streaming reads).',
    evidence: { peak_rss_bytes: t.peak_rss_bytes, mem_total_bytes: limit, limit_share: CGROUP_LIMIT_SHARE },
  })];
}

/** Findings from totals for a short run (all of them, whatever the per-tick detectors said). */
export function judgeShortRun(t: RunTotals, w: RunWindow, cap: StorageCapability): FindingDraft[] {
  return [...cpuFindings(t, w), ...ioFindings(t, w, cap), ...memoryFindings(t, w)];
}

/**
 * The detectors' drafts of a finished run, with a short run's totals judgement merged in: its
 * CPU kinds replace the per-tick ones, its other kinds fill in what the ticks could not show.
 */
export function withShortRun(meta: Row<'runs'> | null, w: RunWindow, drafts: readonly FindingDraft[], cap = capabilityOf(w)): FindingDraft[] {
  const t = runTotals(meta, w);
  if (!t || !isShortRun(w.ticks)) return [...drafts];
  const kept = drafts.filter((d) => !TOTALS_DECIDE.includes(d.kind));
  const have = new Set(kept.map((d) => d.kind));
  return [...kept, ...judgeShortRun(t, w, cap).filter((f) => !have.has(f.kind))];
}

/** What a short run's totals cannot judge on this host, said rather than guessed. */
export function shortRunUndeterminable(t: Pick<RunTotals, 'read_bytes' | 'write_bytes' | 'wall_s'>, cap: StorageCapability, hosts: readonly string[]): string[] {
  const bytesPerS = storageRate(t);
  if (bytesPerS < MIN_STORAGE_BYTES_PER_S || capabilityShare(t.read_bytes / t.wall_s, t.write_bytes / t.wall_s, cap, MIN_STORAGE_BYTES_PER_S) !== null) return [];
  const why = cap.unknown.length > 0 ? cap.unknown.join('; ') : `no device capability in the node profile of ${hosts.join(', ')}`;
  return [`io_bound: undeterminable for this short run (${round(bytesPerS / 1048576, 1)} MiB/s of storage IO, judged on totals): device bandwidth unknown (${why})`];
}
