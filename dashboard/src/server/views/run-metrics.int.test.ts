import { seededStore } from '@runlens/pipeline/testing/seeded-store';
import { TEST_STORES } from '@runlens/pipeline/testing/test-stores';
import { describe, expect, it } from 'vitest';
import { SEL_RUN, seedSelectionRuns } from '../../testing/selection-runs.ts';
import { runMetricSeries } from './run-metrics.ts';

/** The app's own metric over time on the run page, on both stores: per-step values averaged into the page's buckets. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;

describe.each(TEST_STORES)('run metric series on %s', (_name, available, open) => {
  const db = seededStore(available, open, (store) => seedSelectionRuns(store, 'ann', T0));

  it.runIf(available)('gives one series per metric name, a point per bucket, the bucket\'s mean', async () => {
    const fine = await runMetricSeries(db.store, SEL_RUN, 1000);
    expect(fine.map((s) => [s.host, s.points.length])).toEqual([['it/s', 42]]);
    // The run reports 2.0 and 1.8 by turns (1.9 ± 0.1).
    expect(fine[0]?.points.slice(0, 2).map((p) => p.value)).toEqual([expect.closeTo(2, 6), expect.closeTo(1.8, 6)]);
    const coarse = await runMetricSeries(db.store, SEL_RUN, 10_000);
    const inner = (coarse[0]?.points ?? []).slice(1, -1).map((p) => p.value ?? 0);
    expect(inner.length).toBeGreaterThanOrEqual(2);
    for (const v of inner) expect(v).toBeCloseTo(1.9, 6);
    expect(await runMetricSeries(db.store, 'no-such-run', 1000)).toEqual([]);
  });
});
