import type { Store } from '@runlens/pipeline';
import { catalogRow as row } from '@runlens/pipeline/testing/catalog-row';
import { seededStore } from '@runlens/pipeline/testing/seeded-store';
import { TEST_STORES } from '@runlens/pipeline/testing/test-stores';
import { describe, expect, it } from 'vitest';
import { appBaseline } from './app.ts';
import { clusterHeatmap } from './ops.ts';
import { runTimelines } from './run-series.ts';
import { filterChoices, listRuns } from './runs.ts';

/**
 * The dashboard's shaping over the repositories (schemas/src/repositories, tested on their own
 * in pipeline/src/store/repositories): top finding, efficiency, series per host, the app baseline.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;

async function seed(store: Store): Promise<void> {
  await store.insertRows('runs', [
    row('runs', { run_id: 'r1', app: 'a', user: 'ann', cmd: 'solver', status: 'finished', start_ts: T0, end_ts: T0 + 60_000, updated_ts: T0 + 60_000, hosts: ['n1', 'n2'], alloc_cores: 2, cpu_user_s: 100, cpu_sys_s: 4 }),
    row('runs', { run_id: 'r2', app: 'a', user: 'bob', cmd: 'solver', status: 'finished', start_ts: T0, end_ts: T0 + 30_000, updated_ts: T0, hosts: ['n2'], alloc_cores: 2 }),
  ]);
  await store.insertRows('run_summaries', [row('run_summaries', { run_id: 'r2', app: 'a', fingerprint: 'solver', wall_s: 30, cpu_efficiency: 0.25, updated_ts: T0 })]);
  await store.insertRows('process_samples', [0, 1, 2].map((i) => row('process_samples', { ts: T0 + i * 1000, host: 'n1', run_id: 'r1', pid: 1, start_ticks: 1, interval_s: 1, cpu_user_cores: 1, rss_bytes: 10 })));
  // Outside load on n1 beside r1: another process, not of the run.
  await store.insertRows('process_samples', [0, 1, 2].map((i) => row('process_samples', { ts: T0 + i * 1000, host: 'n1', run_id: '', pid: 9, start_ticks: 1, interval_s: 1, cpu_user_cores: 0.5, cpu_sys_cores: 0.25, rss_bytes: 10 })));
  await store.insertRows('node_samples', [row('node_samples', { ts: T0, host: 'n1', interval_s: 1, mem_total_bytes: 1000, mem_available_bytes: 250 })]);
  const f = (run_id: string, kind: string, severity: string) => row('findings', {
    run_id, finding_id: kind, kind, severity, scope: 'run', start_ts: T0, end_ts: T0 + 1000, updated_ts: T0, confidence: 0.9, message: `${kind} message`, evidence: '{}' });
  await store.insertRows('findings', [f('r1', 'cpu_bound', 'info'), f('r1', 'slow_node', 'warning'), f('r2', 'slow_node', 'critical')]);
}

describe.each(TEST_STORES)('dashboard views on %s', (_name, available, open) => {
  const admin = { user: 'root', role: 'admin' as const };
  const ann = { user: 'ann', role: 'user' as const };
  const noFilter = { app: '', user: '', status: '', since: '', kind: '' };
  const db = seededStore(available, open, seed);

  it.runIf(available)('lists runs with their top finding and efficiency (analyzer first, kernel totals else)', async () => {
    const [r1] = await listRuns(db.store, ann, noFilter);
    expect(r1).toMatchObject({ run_id: 'r1', hosts: 2, top_finding: { kind: 'slow_node', severity: 'warning' } });
    expect(r1?.efficiency).toBeCloseTo(104 / (60 * 4));
    const r2 = (await listRuns(db.store, admin, { ...noFilter, kind: 'slow_node', since: '1h' })).find((r) => r.run_id === 'r2');
    expect(r2).toMatchObject({ efficiency: 0.25, top_finding: { kind: 'slow_node', severity: 'critical' } });
    expect(await filterChoices(db.store, ann)).toEqual({ apps: ['a'], users: ['ann'], kinds: ['cpu_bound', 'slow_node'] });
  });

  it.runIf(available)('shapes timelines and the heatmap into one series per host', async () => {
    const lines = await runTimelines(db.store, { run_id: 'r1', hosts: ['n1', 'n2'], start_ms: T0, end_ms: T0 + 60_000 }, 1000);
    expect(lines.map((l) => l.resource)).toEqual(['cpu', 'memory', 'io', 'network', 'gpu']);
    expect(lines[0]?.series).toEqual([{ host: 'n1', points: [0, 1, 2].map((i) => ({ ts: T0 + i * 1000, value: 1 })) }]);
    expect(lines[0]?.outside).toEqual([{ host: 'n1', points: [0, 1, 2].map((i) => ({ ts: T0 + i * 1000, value: 0.75 })) }]);
    const heat = await clusterHeatmap(db.store, 'mem_used', T0, T0 + 60_000);
    expect(heat.series.map((s) => [s.host, s.points[0]?.value])).toEqual([['n1', 0.75]]);
  });

  it.runIf(available)('gives a plain user a baseline from their own runs only', async () => {
    expect(await appBaseline(db.store, ann, 'a')).toBeNull();
    expect(await appBaseline(db.store, admin, 'a')).toMatchObject({ runs: 1, wall_s_median: 30 });
  });
});
