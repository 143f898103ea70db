import { type FindingDraft, defineDetector, round, runFinding } from '../detector.ts';
import { median } from '../../lib/stats.ts';
import { hasHostCause, hostCause, rankProgress, rankSpan } from '../peers.ts';
import type { RunWindow } from '../../window/run-window.ts';
import { type MpiRankWork, mpiWork } from './mpi-work.ts';

export const IMBALANCE_LOW = 0.7;
export const IMBALANCE_HIGH = 1.3;
export const MIN_TICKS = 5;

type Outliers = { spread: number; low: number[]; high: number[] };

/**
 * Ranks whose work is outside [LOW, HIGH] × the median; `excused(i)` light ranks are not blamed.
 * Ranks and their work as two arrays, in one pass (asked per run at every tick: Maps of the
 * ranks and of their ratios were a tenth of what the live evaluation allocated).
 */
function outliersOf(ranks: readonly number[], work: readonly number[], excused: (i: number) => boolean): Outliers | null {
  const med = median(work);
  const low: number[] = [];
  const high: number[] = [];
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < ranks.length; i++) {
    const x = med > 0 ? (work[i] as number) / med : 1;
    max = Math.max(max, x);
    min = Math.min(min, x);
    if (x < IMBALANCE_LOW && !excused(i)) low.push(ranks[i] as number);
    if (x > IMBALANCE_HIGH) high.push(ranks[i] as number);
  }
  if (low.length + high.length === 0) return null;
  return { spread: max / Math.max(min, 1e-9), low, high };
}

interface How {
  readonly ranks: number;
  readonly why: string;
  readonly evidence: FindingDraft['evidence'];
}

function imbalance(w: RunWindow, o: Outliers, range: { start: number; end: number }, how: How): FindingDraft {
  return runFinding('load_imbalance', w, range, {
    severity: o.spread >= 2 ? 'warning' : 'info', confidence: round(Math.min(1, 0.4 + (o.spread - 1) / 2)),
    message: `Load imbalance: ranks do unequal work (max/min ${round(o.spread, 2)}× ${how.why}); light ranks ${o.low.join(', ') || 'none'}, heavy ranks ${o.high.join(', ') || 'none'}`,
    advice: `Profile the decomposition on ranks ${[...o.high, ...o.low].slice(0, 4).join(', ')} (mpiP / Score-P time in MPI_Wait); rebalance the domain or use dynamic scheduling.`,
    evidence: {
      ranks: how.ranks, low_threshold: IMBALANCE_LOW, high_threshold: IMBALANCE_HIGH,
      max_min_ratio: round(o.spread), light_ranks: o.low.join(','), heavy_ranks: o.high.join(','), ...how.evidence,
    },
  });
}

/** With PMPI reports: compute = CPU outside MPI; the heavy ranks are those that wait least in MPI. */
function fromMpi(w: RunWindow, work: readonly MpiRankWork[]): FindingDraft[] {
  const o = outliersOf(work.map((r) => r.rank), work.map((r) => r.compute_cores), () => false);
  if (!o) return [];
  const pctOf = (r: MpiRankWork): number => Math.round(r.mpi_share * 100);
  const share = (ranks: number[]): string => work.filter((r) => ranks.includes(r.rank)).map((r) => `${pctOf(r)}%`).join(', ');
  const others = work.filter((r) => !o.high.includes(r.rank)).map(pctOf);
  const [lo, hi] = [Math.min(...others), Math.max(...others)];
  const rest = others.length === 0 ? '-' : lo === hi ? `${lo}%` : `${lo}-${hi}%`;
  const ts = (w.mpi ?? []).flatMap((r) => r.points.map((p) => p.ts));
  return [imbalance(w, o, { start: Math.min(...ts), end: Math.max(...ts) }, {
    ranks: work.length,
    why: `CPU outside MPI; time in MPI: heavy ranks ${share(o.high) || '-'}, the others ${rest}`,
    evidence: {
      source: 'mpi', mpi_share_by_rank: work.map((r) => `${r.rank}:${round(r.mpi_share, 3)}`).join(','),
      compute_cores_by_rank: work.map((r) => `${r.rank}:${round(r.compute_cores, 3)}`).join(','),
    },
  })];
}

/**
 * Ranks doing unequal work. With the PMPI library's reports (`runlens run --mpi`) work is CPU
 * outside MPI, which sees through ranks that spin while they wait; without, user CPU per rank,
 * where a slow rank on a host with a visible cause is left to slow_node.
 */
export const loadImbalance = defineDetector({
  id: 'load_imbalance',
  description: 'Ranks (or hosts) doing unequal amounts of work.',
  evaluate(w) {
    const work = mpiWork(w.mpi ?? []);
    if (work.length >= 2) return fromMpi(w, work);
    const ranks = (w.ranks ?? []).filter((r) => rankSpan(r).n >= MIN_TICKS);
    if (ranks.length < 2) return [];
    // Which hosts show a cause of their own matters only for a light rank: asked once, and only then.
    let blamed: Set<string> | null = null;
    const blamedHosts = (): Set<string> => (blamed ??= new Set((w.hosts ?? []).filter((h) => hasHostCause(hostCause(h))).map((h) => h.host)));
    const o = outliersOf(ranks.map((r) => r.rank), ranks.map(rankProgress), (i) => blamedHosts().has(ranks[i]?.host ?? ''));
    if (!o) return [];
    let start = Infinity;
    let end = -Infinity;
    for (const r of ranks) {
      const span = rankSpan(r);
      start = Math.min(start, span.first);
      end = Math.max(end, span.last);
    }
    return [imbalance(w, o, { start, end }, { ranks: ranks.length, why: 'user CPU', evidence: {} })];
  },
});
