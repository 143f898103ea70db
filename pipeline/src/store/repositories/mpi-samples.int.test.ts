import { type Store, mpiRankTotals } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { catalogRow as row } from '../../testing/catalog-row.ts';
import { seededStore } from '../../testing/seeded-store.ts';
import { TEST_STORES } from '../../testing/test-stores.ts';

/** The run report's time in MPI per rank, on both stores. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;

async function seed(store: Store): Promise<void> {
  // Two ranks of r1 reporting for 5 ticks (the last report is the total), one rank of another run.
  const report = (run_id: string, rank: number, i: number) => row('mpi_samples', {
    ts: T0 + i * 1000, host: 'n1', run_id, rank, size: 2, pid: 100 + rank, wall_s: i, mpi_s: rank === 0 ? 0.6 * i : 0.1 * i,
    mpi_cpu_s: 0.05 * i, cpu_s: 0.9 * i, calls: 10 * i, mpi_share: null, final: i === 5 ? 1 : 0,
  });
  await store.insertRows('mpi_samples', [1, 2, 3, 4, 5].flatMap((i) => [report('r1', 1, i), report('r1', 0, i), report('r2', 0, i)]));
  // At-least-once delivery replays a batch: the same rows again must not change the totals.
  await store.insertRows('mpi_samples', [report('r1', 0, 5)]);
}

describe.each(TEST_STORES)('mpi_samples repository on %s', (_name, available, open) => {
  const db = seededStore(available, open, seed);

  it.runIf(available)('gives each rank\'s last report, by rank', async () => {
    const ranks = await mpiRankTotals(db.store, 'r1');
    expect(ranks.map((r) => r.rank)).toEqual([0, 1]);
    expect(ranks[0]).toEqual({ rank: 0, host: 'n1', pid: 100, wall_s: 5, mpi_s: 3, mpi_cpu_s: 0.25, cpu_s: 4.5, calls: 50 });
    expect(ranks[1]?.mpi_s).toBeCloseTo(0.5);
    expect(await mpiRankTotals(db.store, 'nope')).toEqual([]);
  });
});
