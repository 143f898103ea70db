import type { Store } from '@runlens/schemas';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogRow as row } from '../../testing/catalog-row.ts';
import { TEST_STORES } from '../../testing/test-stores.ts';

/**
 * docs/grafana.md cannot drift from the catalog: every SQL block in it runs on chDB (ClickHouse
 * 26.x, the ≥ 23.8 schema the page targets) over seeded rows, with the Grafana plugin's macros
 * expanded as the plugin does, and each returns rows.
 */
const DOC = new URL('../../../../docs/grafana.md', import.meta.url);
const queries = [...readFileSync(DOC, 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

function expand(sql: string): string {
  return sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, '$1 >= now() - INTERVAL 1 HOUR')
    .replace(/\$__timeInterval\(([^)]+)\)/g, 'toStartOfInterval($1, INTERVAL 10 SECOND)')
    .replaceAll('${run}', 'r1').replaceAll('${app}', 'solver');
}

async function seed(store: Store): Promise<void> {
  const now = Date.now() - 60_000;
  await store.insertRows('runs', [row('runs', { run_id: 'r1', app: 'solver', user: 'ann', status: 'running', start_ts: now - 60_000, end_ts: null, updated_ts: now, hosts: ['n1'] })]);
  await store.insertRows('process_samples', [0, 1, 2].map((i) => row('process_samples', {
    ts: now + i * 1000, host: 'n1', run_id: 'r1', pid: 7, start_ticks: 1, interval_s: 1, cpu_user_cores: 1, rss_bytes: 1 << 20, read_bytes_per_s: 10, write_bytes_per_s: 20 })));
  await store.insertRows('node_samples', [row('node_samples', { ts: now, host: 'n1', interval_s: 1, cpu_user_cores: 1, online_cpus: 2 })]);
  await store.insertRows('findings', [row('findings', { run_id: 'r1', finding_id: 'f', kind: 'cpu_bound', severity: 'warning', scope: 'run', start_ts: now, end_ts: now + 1000, updated_ts: now, confidence: 1, message: 'm', evidence: '{}' })]);
  await store.insertRows('node_events', [row('node_events', { ts: now, host: 'n1', seq: 1, kind: 'link_down', severity: 'critical', device: 'ib0', detail: 'down', raw: 'x' })]);
  await store.insertRows('run_summaries', [row('run_summaries', { run_id: 'r1', app: 'solver', fingerprint: 'solver', scale_cores: 1, hosts: 1, updated_ts: now, wall_s: 60 })]);
}

describe('docs/grafana.md queries on chDB', () => {
  let store: Store;
  let done: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ store, done } = await TEST_STORES[0]![2]());
    await seed(store);
  });
  afterAll(async () => { await done(); });

  it('has the panels it promises', () => {
    expect(queries.length).toBeGreaterThanOrEqual(9);
  });

  it.each(queries.map((q, i) => [i, q] as const))('query %i runs and returns rows', async (_i, q) => {
    const rows = await store.query<Record<string, unknown>>(expand(q));
    expect(rows.length).toBeGreaterThan(0);
  });
});
