import { type Store, dominantMetric, runMetricSummaries } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbStore } from '../open.ts';

/**
 * A training loop whose steps mostly take 0.1 s but every third one stalls for 1 s, printing its
 * own per-step it/s: the median of those rates (10) says the run did far more work than it did;
 * the mean over time is the steps it did over the time they took.
 */
const T0 = Date.now() - 60_000;
const stepSeconds = Array.from({ length: 30 }, (_, i) => (i % 3 === 2 ? 1 : 0.1));

function points(runId: string, name: string, secs: readonly number[]): { ts: number; run_id: string; host: string; name: string; seq: number; value: number; source: string }[] {
  let t = T0;
  return secs.map((s, seq) => {
    t += s * 1000;
    return { ts: t, run_id: runId, host: 'h1', name, seq, value: 1 / s, source: 'output' };
  });
}

describe('an app metric over time, in the store', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openChdbStore({ path: mkdtempSync(join(tmpdir(), 'runlens-chdb-')), database: `t_${randomBytes(4).toString('hex')}` });
    await store.migrate();
    await store.insertRows('run_metrics', [...points('r1', 'it/s', stepSeconds), ...points('r1', 'loss', [1, 1]), ...points('r2', 'it/s', [0.5, 0.5, 0.5])]);
    await store.insertRows('run_metrics', points('r1', 'it/s', stepSeconds)); // an at-least-once replay: collapses
  });
  afterAll(() => store.close());

  it('weights each rate by the time it covers, so a run with stalls is not judged by its fast steps', async () => {
    const [itps] = await runMetricSummaries(store, 'r1');
    expect(itps).toMatchObject({ name: 'it/s', points: 30, median: 10 });
    const covered = stepSeconds.slice(1);
    expect(itps?.time_mean).toBeCloseTo(covered.length / covered.reduce((a, b) => a + b, 0), 5); // 29 steps in 11.9 s
  });

  it('selection reads the metric most runs report, each run by its mean over time', async () => {
    const m = await dominantMetric(store, ['r1', 'r2']);
    expect(m.name).toBe('it/s');
    expect(m.byRun.get('r2')).toBeCloseTo(2, 5);
    expect(m.byRun.get('r1')).toBeLessThan(3);
  });
});
