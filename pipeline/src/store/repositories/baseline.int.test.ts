import { type Store, baselineRuns, baselineStats } from '@runlens/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogRow as row } from '../../testing/catalog-row.ts';
import { TEST_STORES } from '../../testing/test-stores.ts';

/**
 * The one baseline (report, `regression` finding, app page): earlier runs of the same app and
 * command fingerprint, this run excluded, that ended before this run ended.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const FP = 'solver --steps';
/** The run being judged: started at 100 s, ended at 200 s. */
const THIS = { run_id: 'this', ended_before_ms: T0 + 200_000 };

function finished(run_id: string, startS: number, endS: number | null, o: { app?: string; fingerprint?: string; user?: string; wall_s?: number } = {}) {
  const app = o.app ?? 'solver';
  return {
    run: row('runs', { run_id, app, user: o.user ?? 'ann', status: endS === null ? 'running' : 'finished', start_ts: T0 + startS * 1000,
      end_ts: endS === null ? null : T0 + endS * 1000, updated_ts: T0 + (endS ?? startS) * 1000, hosts: ['n1'], alloc_cores: 2 }),
    summary: row('run_summaries', { run_id, app, fingerprint: o.fingerprint ?? FP, scale_cores: 2, hosts: 1, wall_s: o.wall_s ?? (endS ?? startS) - startS,
      cpu_s: 1, cpu_efficiency: 0.5, updated_ts: T0 + 4_000_000 }),
  };
}

const RUNS = [
  finished('this', 100, 200, { wall_s: 100 }),
  finished('early', 0, 50), // ended before this run started
  finished('overlap', 90, 150), // ended while this run ran
  finished('later', 110, 250), // ended after this run ended: must not count
  finished('same-end', 120, 200), // ended at the same instant: not before, so not counted
  finished('other-mode', 10, 60, { fingerprint: 'solver --restart' }),
  finished('other-app', 10, 60, { app: 'mesher' }),
  finished('bobs', 20, 70, { user: 'bob', wall_s: 500 }),
  finished('unfinished', 30, null),
];

describe.each(TEST_STORES)('baseline on %s', (_name, available, open) => {
  let store: Store;
  let done: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    if (!available) return;
    ({ store, done } = await open());
    await store.insertRows('runs', RUNS.map((r) => r.run));
    // A summary row without its `runs` row says nothing about when the run ended: never counted.
    await store.insertRows('run_summaries', [...RUNS.map((r) => r.summary), finished('orphan', 0, 10).summary]);
  });
  afterAll(async () => { await done(); });

  const scope = { app: 'solver', fingerprint: FP, exclude_run: THIS.run_id, ended_before_ms: THIS.ended_before_ms };

  it.runIf(available)('counts earlier runs of the same app and fingerprint, newest end first, never this run', async () => {
    const base = await baselineRuns(store, scope);
    expect(base.map((b) => b.run_id)).toEqual(['overlap', 'bobs', 'early']);
    expect(base[0]).toMatchObject({ app: 'solver', fingerprint: FP, scale_cores: 2, wall_s: 60, cpu_efficiency: 0.5 });
    expect((await baselineRuns(store, scope, 1)).map((b) => b.run_id)).toEqual(['overlap']);
  });

  it.runIf(available)('ignores a run that ended after this run ended, so the verdict does not change later', async () => {
    const before = await baselineRuns(store, scope);
    expect(before.map((b) => b.run_id)).not.toContain('later');
    // Another run of the app finishes after the report was first read: the baseline stays as it was.
    const late = finished('much-later', 150, 400);
    await store.insertRows('runs', [late.run]);
    await store.insertRows('run_summaries', [late.summary]);
    expect(await baselineRuns(store, scope)).toEqual(before);
    // Judged later in time, the same runs would count: the bound is the only thing excluding them.
    const open = (await baselineRuns(store, { ...scope, ended_before_ms: T0 + 1_000_000 })).map((b) => b.run_id);
    expect(open).toEqual(expect.arrayContaining(['later', 'much-later', 'same-end']));
  });

  it.runIf(available)('for the app page: every fingerprint, only runs the identity may see', async () => {
    const page = { app: 'solver', fingerprint: '', exclude_run: '', ended_before_ms: T0 + 200_000 };
    const ann = await baselineRuns(store, { ...page, visible_to: { user: 'ann', role: 'user' } });
    expect(ann.map((b) => b.run_id)).toEqual(['overlap', 'other-mode', 'early']);
    expect(await baselineStats(store, { ...page, visible_to: { user: 'ann', role: 'user' } })).toEqual({ runs: 3, wall_s_median: 50, wall_s_mad: 0, cpu_efficiency_median: 0.5 });
    expect((await baselineStats(store, { ...page, visible_to: { user: 'root', role: 'admin' } }))?.runs).toBe(4);
  });
});
