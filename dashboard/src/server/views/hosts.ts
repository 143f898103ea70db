import type { Finding, RankTotals } from '@runlens/schemas';
import type { HostSeries } from '@runlens/analyzer/charts/series';

/** A rank's time inside MPI, as the report carries it (`summary.mpi`) or the repository reads it. */
export interface RankMpi { readonly rank: number; readonly host: string; readonly wall_s: number; readonly mpi_s: number }

export interface HostRank { readonly rank: number; readonly cpu_s: number | null; readonly mpi_share: number | null }

/** One resource timeline of the run page (`runTimelines`). */
export interface HostTimeline { readonly resource: string; readonly series: readonly HostSeries[]; readonly outside?: readonly HostSeries[]; readonly delay?: readonly HostSeries[] }

/** One host of a multi-host run, side by side with its peers on the run page. */
export interface HostPanel {
  readonly host: string;
  readonly alloc_cores: number;
  /** The run's CPU on this host, in cores: mean and peak over the buckets with samples. */
  readonly cpu_mean: number | null;
  readonly cpu_peak: number | null;
  /** cpu_mean / alloc_cores. */
  readonly cpu_share: number | null;
  readonly rss_peak: number | null;
  readonly io_mean: number | null;
  /** Every other process on this host, in cores. */
  readonly outside_mean: number | null;
  readonly outside_peak: number | null;
  /** The run's processes runnable but waiting for a CPU on this host, in cores (mean). */
  readonly delay_mean: number | null;
  /** Findings that name this host (its own scope, or a rank or process on it). */
  readonly findings: readonly Finding[];
  /** The kinds of those findings that mark the host as the problem (slow_node, hardware_fault). */
  readonly marked: readonly string[];
  readonly ranks: readonly HostRank[];
  readonly cpu: HostSeries | null;
  readonly outside: HostSeries | null;
  readonly delay: HostSeries | null;
}

export interface HostPanelInput {
  readonly hosts: readonly string[];
  readonly allocCores: number;
  readonly timelines: readonly HostTimeline[];
  readonly findings: readonly Finding[];
  readonly ranks: readonly RankTotals[];
  readonly mpi: readonly RankMpi[];
}

/** Kinds that say the host itself is the problem: its card is marked. */
const HOST_KINDS = new Set(['slow_node', 'hardware_fault', 'filesystem_stall']);

const values = (s: HostSeries | undefined): number[] =>
  (s?.points ?? []).map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
const mean = (vs: readonly number[]): number | null => (vs.length === 0 ? null : vs.reduce((a, b) => a + b, 0) / vs.length);
const peak = (vs: readonly number[]): number | null => (vs.length === 0 ? null : Math.max(...vs));

/**
 * A finding names a host when it is scoped to it, or to a rank, process or device on it. A
 * run-scoped finding is about all hosts, although its row carries the run's first host.
 */
export function namesHost(f: Finding, host: string): boolean {
  return f.scope !== 'run' && (f.host === host || (f.scope === 'host' && f.scope_id === host));
}

/**
 * The run's hosts side by side: per host the run's CPU against the allocation, RSS, IO and the
 * outside load, the findings that name it, and its ranks with their time in MPI. Hosts come
 * from the run's list plus any host with samples (a host the run row does not list yet).
 */
export function hostPanels(input: HostPanelInput): HostPanel[] {
  const series = (resource: string, key: 'series' | 'outside' | 'delay' = 'series'): readonly HostSeries[] =>
    input.timelines.find((d) => d.resource === resource)?.[key] ?? [];
  const of = (list: readonly HostSeries[], host: string): HostSeries | undefined => list.find((s) => s.host === host);
  const seen = [...input.hosts, ...series('cpu').map((s) => s.host)];
  return [...new Set(seen)].sort((a, b) => a.localeCompare(b)).map((host): HostPanel => {
    const cpu = values(of(series('cpu'), host));
    const outside = values(of(series('cpu', 'outside'), host));
    const findings = input.findings.filter((f) => namesHost(f, host));
    const cpuMean = mean(cpu);
    return {
      host, alloc_cores: input.allocCores,
      cpu_mean: cpuMean, cpu_peak: peak(cpu), cpu_share: cpuMean === null || input.allocCores <= 0 ? null : cpuMean / input.allocCores,
      rss_peak: peak(values(of(series('memory'), host))), io_mean: mean(values(of(series('io'), host))),
      outside_mean: mean(outside), outside_peak: peak(outside), delay_mean: mean(values(of(series('cpu', 'delay'), host))),
      findings, marked: [...new Set(findings.map((f) => f.kind).filter((k) => HOST_KINDS.has(k)))],
      ranks: hostRanks(host, input.ranks, input.mpi),
      cpu: of(series('cpu'), host) ?? null, outside: of(series('cpu', 'outside'), host) ?? null, delay: of(series('cpu', 'delay'), host) ?? null,
    };
  });
}

/** The ranks seen on a host (from samples and from MPI reports), with their share of time in MPI. */
function hostRanks(host: string, ranks: readonly RankTotals[], mpi: readonly RankMpi[]): HostRank[] {
  const ids = new Set([...ranks.filter((r) => r.host === host && r.rank >= 0).map((r) => r.rank), ...mpi.filter((m) => m.host === host).map((m) => m.rank)]);
  return [...ids].sort((a, b) => a - b).map((rank) => {
    const m = mpi.find((x) => x.host === host && x.rank === rank);
    return {
      rank, cpu_s: ranks.find((r) => r.host === host && r.rank === rank)?.cpu_s ?? null,
      mpi_share: m && m.wall_s > 0 ? m.mpi_s / m.wall_s : null,
    };
  });
}
