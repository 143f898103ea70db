import { defineDetector, round, runFinding } from '../detector.ts';
import { hasHostCause, hostCause, peerRatios, progressRate } from '../peers.ts';

export const IMBALANCE_LOW = 0.7;
export const IMBALANCE_HIGH = 1.3;
export const MIN_TICKS = 5;

/** Ranks doing unequal work: some well below or above the peer median, with no host to blame. */
export const loadImbalance = defineDetector({
  id: 'load_imbalance',
  description: 'Ranks (or hosts) doing unequal amounts of work.',
  evaluate(w) {
    const ranks = (w.ranks ?? []).filter((r) => r.ticks.length >= MIN_TICKS);
    if (ranks.length < 2) return [];
    const blamed = new Set((w.hosts ?? []).filter((h) => hasHostCause(hostCause(h))).map((h) => h.host));
    const ratios = peerRatios(new Map(ranks.map((r) => [r.rank, progressRate(r.ticks)])));
    const outliers = ranks.filter((r) => {
      const x = ratios.get(r.rank) ?? 1;
      return (x < IMBALANCE_LOW && !blamed.has(r.host)) || x > IMBALANCE_HIGH;
    });
    if (outliers.length === 0) return [];
    const values = [...ratios.values()];
    const spread = Math.max(...values) / Math.max(Math.min(...values), 1e-9);
    const low = outliers.filter((r) => (ratios.get(r.rank) ?? 1) < 1).map((r) => r.rank);
    const high = outliers.filter((r) => (ratios.get(r.rank) ?? 1) > 1).map((r) => r.rank);
    const start = Math.min(...ranks.map((r) => r.ticks[0]?.ts ?? Infinity));
    const end = Math.max(...ranks.map((r) => r.ticks[r.ticks.length - 1]?.ts ?? 0));
    return [runFinding('load_imbalance', w, { start, end }, {
      severity: spread >= 2 ? 'warning' : 'info', confidence: round(Math.min(1, 0.4 + (spread - 1) / 2)),
      message: `Load imbalance: ranks do unequal work (max/min ${round(spread, 2)}×); light ranks ${low.join(', ') || 'none'}, heavy ranks ${high.join(', ') || 'none'}`,
      advice: `Profile the decomposition on ranks ${[...high, ...low].slice(0, 4).join(', ')} (mpiP / Score-P time in MPI_Wait); rebalance the domain or use dynamic scheduling.`,
      evidence: { max_min_ratio: round(spread), ranks: ranks.length, low_threshold: IMBALANCE_LOW, high_threshold: IMBALANCE_HIGH, light_ranks: low.join(','), heavy_ranks: high.join(',') },
    })];
  },
});
