import {
  type Identity, type Store, appRegressions, baselineStats, appRuns, findingHeadlines, runById, runOwner, runningRunsOnHost,
  storedFindingKinds, summarisedEfficiencies, visibleAppsAndUsers, visibleRuns,
} from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { catalogRow as row } from '../../testing/catalog-row.ts';
import { seededStore } from '../../testing/seeded-store.ts';
import { TEST_STORES } from '../../testing/test-stores.ts';

/** The runs repository and the app page's reads, on both stores. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
const admin = { user: 'root', role: 'admin' as const };
const ops = { user: 'olga', role: 'ops' as const };
const ann = { user: 'ann', role: 'user' as const };

const run = (run_id: string, user: string, startS: number, wallS: number | null, extra: Record<string, unknown> = {}) => row('runs', {
  run_id, app: 'solver', user, cmd: 'solver --steps 10', status: wallS === null ? 'running' : 'finished', start_ts: T0 + startS * 1000,
  end_ts: wallS === null ? null : T0 + (startS + wallS) * 1000, updated_ts: T0 + startS * 1000 + 1, hosts: ['n1'], alloc_cores: 2, ...extra,
});
const summary = (run_id: string, wall_s: number, cpu_efficiency: number) => row('run_summaries', {
  run_id, app: 'solver', fingerprint: 'solver --steps', scale_cores: 2, hosts: 1, updated_ts: T0, wall_s, cpu_s: wall_s, cpu_efficiency });

async function seed(store: Store): Promise<void> {
  await store.insertRows('runs', [
    run('a1', 'ann', 0, 10, { cpu_user_s: 15, cpu_sys_s: 1, exit_code: 0 }), run('a2', 'ann', 20, 12),
    run('b1', 'bob', 40, 100, { app: 'solver' }), run('b2', 'bob', 60, null, { hosts: ['n1', 'n2'] }),
    run('c1', 'cid', 80, 5, { app: 'other', status: 'failed', exit_code: 1 }),
  ]);
  await store.insertRows('run_summaries', [summary('a1', 10, 0.8), summary('a2', 12, 0.6), summary('b1', 100, 0.1)]);
  const f = (run_id: string, kind: string, severity: string) => row('findings', {
    run_id, finding_id: kind, kind, severity, scope: 'run', start_ts: T0, end_ts: T0 + 1000, updated_ts: T0, confidence: 0.9, message: `${kind} in ${run_id}`, evidence: '{}' });
  await store.insertRows('findings', [f('a2', 'regression', 'warning'), f('b1', 'regression', 'critical'), f('b1', 'cpu_bound', 'info')]);
}

describe.each(TEST_STORES)('runs repository on %s', (_name, available, open) => {
  const db = seededStore(available, open, seed);

  it.runIf(available)('reads one run, its owner, and the running runs on a host', async () => {
    const a1 = await runById(db.store, 'a1');
    expect(a1).toMatchObject({ run_id: 'a1', user: 'ann', start_ms: T0, end_ms: T0 + 10_000, alloc_cores: 2, cpu_user_s: 15, exit_code: 0, hosts: ['n1'] });
    expect(await runById(db.store, 'nope')).toBeNull();
    expect(await runOwner(db.store, 'b1')).toBe('bob');
    expect(await runOwner(db.store, 'nope')).toBeNull();
    expect((await runningRunsOnHost(db.store, 'n2')).map((r) => [r.run_id, r.end_ms])).toEqual([['b2', null]]);
  });

  it.runIf(available)('lists only the runs a plain user may see, newest first, with filters', async () => {
    expect((await visibleRuns(db.store, ann)).map((r) => r.run_id)).toEqual(['a2', 'a1']);
    expect((await visibleRuns(db.store, ops)).map((r) => r.run_id)).toEqual(['c1', 'b2', 'b1', 'a2', 'a1']);
    expect((await visibleRuns(db.store, admin, { kind: 'cpu_bound' })).map((r) => r.run_id)).toEqual(['b1']);
    expect((await visibleRuns(db.store, admin, { status: 'running' })).map((r) => r.n_hosts)).toEqual([2]);
    expect((await visibleRuns(db.store, admin, { app: 'other', user: 'cid' })).map((r) => r.exit_code)).toEqual([1]);
    expect(await visibleRuns(db.store, admin, { from_ms: T0 + 61_000 })).toHaveLength(1);
    expect(await visibleRuns(db.store, admin, {}, 2)).toHaveLength(2);
    expect((await visibleRuns(db.store, ann)).find((r) => r.run_id === 'a1')).toMatchObject({ start_ms: T0, end_ms: T0 + 10_000, cpu_s: 16 });
    expect(await visibleAppsAndUsers(db.store, ann)).toEqual({ apps: ['solver'], users: ['ann'] });
    expect(await visibleAppsAndUsers(db.store, admin)).toEqual({ apps: ['other', 'solver'], users: ['ann', 'bob', 'cid'] });
  });

  it.runIf(available)('reads the findings and efficiencies a run list shows', async () => {
    expect((await findingHeadlines(db.store, ['b1'])).map((f) => f.kind).sort()).toEqual(['cpu_bound', 'regression']);
    expect(await findingHeadlines(db.store, [])).toEqual([]);
    expect(await storedFindingKinds(db.store)).toEqual(['cpu_bound', 'regression']);
    expect(await summarisedEfficiencies(db.store, ['a1', 'c1'])).toEqual(new Map([['a1', 0.8]]));
  });

  it.runIf(available)("the app page shows a plain user only their own runs, regressions and baseline", async () => {
    expect((await appRuns(db.store, ann, 'solver')).map((r) => [r.run_id, r.wall_s, r.regressed])).toEqual([['a1', 10, false], ['a2', 12, true]]);
    expect((await appRuns(db.store, admin, 'solver')).map((r) => r.run_id)).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect((await appRegressions(db.store, ann, 'solver')).map((r) => r.run_id)).toEqual(['a2']);
    expect((await appRegressions(db.store, ops, 'solver')).map((r) => r.run_id).sort()).toEqual(['a2', 'b1']);
    // bob's 100 s run must not reach ann's baseline band.
    const now = T0 + 3_600_000;
    const appBaseline = (id: Identity) => baselineStats(db.store, { app: 'solver', fingerprint: '', exclude_run: '', ended_before_ms: now, visible_to: id });
    expect(await appBaseline(ann)).toEqual({ runs: 2, wall_s_median: 11, wall_s_mad: 1, cpu_efficiency_median: 0.7 });
    expect(await appBaseline(admin)).toMatchObject({ runs: 3, wall_s_median: 12, wall_s_mad: 2, cpu_efficiency_median: 0.6 });
    expect(await appBaseline({ user: 'dan', role: 'user' })).toBeNull();
  });
});
