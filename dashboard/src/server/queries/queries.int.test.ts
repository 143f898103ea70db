import { type Store, openChdbStore, openClickHouseStore } from '@runlens/pipeline';
import { type Row, type TableName, tableDef } from '@runlens/schemas';
import { type TestServer, startClickHouse } from '@runlens/pipeline/testing/servers';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRuns } from './app.ts';
import { clusterHeatmap, degradedRunning, nodeHealth, sharedCauses } from './ops.ts';
import { processSeries, rankTotals } from './run-series.ts';
import { listRuns } from './runs.ts';

/**
 * The dashboard's SQL on both stores: chDB (ClickHouse 26.x, DateTime64) and Debian's
 * ClickHouse 18.16 server (epoch-ms UInt64 time, no server-side parameters).
 */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
const hasClickHouse = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { stdio: 'ignore' }).status === 0;

/** A full catalog row from the fields a test cares about; the rest get empty values. */
function row<N extends TableName>(table: N, fields: Record<string, unknown>): Row<N> {
  const out: Record<string, unknown> = {};
  for (const [k, c] of Object.entries(tableDef(table).columns)) {
    out[k] = k in fields ? fields[k] : c.nullable ? null : c.type === 'str' || c.type === 'lc' ? '' : c.type === 'str_list' ? [] : 0;
  }
  return out as Row<N>;
}

async function seed(store: Store): Promise<void> {
  await store.insertRows('runs', [
    row('runs', { run_id: 'r1', app: 'a', user: 'ann', cmd: 'solver', status: 'finished', start_ts: T0, end_ts: T0 + 60_000, updated_ts: T0 + 60_000, hosts: ['n1', 'n2'], alloc_cores: 2, cpu_user_s: 100, cpu_sys_s: 4 }),
    row('runs', { run_id: 'r2', app: 'a', user: 'bob', cmd: 'solver', status: 'running', start_ts: T0, updated_ts: T0, hosts: ['n2'], alloc_cores: 2 }),
  ]);
  // n2 has no samples from 20 s to 40 s: the series must show a hole, not zeros.
  const ticks = Array.from({ length: 60 }, (_, i) => i);
  await store.insertRows('process_samples', ['n1', 'n2'].flatMap((host, rank) => ticks
    .filter((i) => host === 'n1' || i < 20 || i >= 40)
    .map((i) => row('process_samples', { ts: T0 + i * 1000, host, run_id: 'r1', rank, pid: 100 + rank, start_ticks: 1, comm: 'solver', interval_s: 1, cpu_user_cores: 1.5, cpu_sys_cores: 0.5, rss_bytes: 1_000_000,
      // n1's IO has a gap (null) over ticks 25-32, as when /proc/<pid>/io is denied for a while; the
      // gap's edges are 8 s apart, so at least one falls inside a 10 s bucket whatever T0's phase.
      ...(host === 'n1' && (i < 25 || i >= 33) ? { read_bytes_per_s: 3000, write_bytes_per_s: 1000 } : {}) }))));
  await store.insertRows('node_samples', ['n1', 'n2'].flatMap((host) => ticks.map((i) =>
    row('node_samples', { ts: T0 + i * 1000, host, interval_s: 1, cpu_user_cores: 2, cpu_system_cores: 0.5, mem_total_bytes: 1000, mem_available_bytes: 250 }))));
  const f = (run_id: string, kind: string, severity: string, host: string): Row<'findings'> => row('findings', {
    run_id, finding_id: `${kind}:${host}`, kind, severity, scope: host ? 'host' : 'run', scope_id: host, host,
    start_ts: T0, end_ts: T0 + 30_000, updated_ts: T0, confidence: 0.9, message: `${kind} message`, evidence: '{}' });
  await store.insertRows('findings', [f('r1', 'cpu_bound', 'info', ''), f('r1', 'slow_node', 'warning', 'n2'), f('r2', 'slow_node', 'critical', 'n2')]);
}

const STORES: [string, boolean, () => Promise<{ store: Store; done(): Promise<void> }>][] = [
  ['chdb', true, async () => {
    const store = await openChdbStore({ path: mkdtempSync(join(tmpdir(), 'runlens-dq-')), database: `t_${Date.now()}` });
    return { store, done: () => store.close() };
  }],
  ['clickhouse 18.16', hasClickHouse, async () => {
    const server: TestServer = await startClickHouse();
    const store = await openClickHouseStore({ url: server.url, database: `t_${Date.now()}`, username: 'default', password: '' });
    return { store, done: async () => { await store.close(); await server.stop(); } };
  }],
];

describe.each(STORES)('dashboard queries on %s', (_name, available, open) => {
  let store: Store;
  let done: () => Promise<void> = async () => undefined;
  const admin = { user: 'root', role: 'admin' as const };
  const ann = { user: 'ann', role: 'user' as const };
  const noFilter = { app: '', user: '', status: '', since: '', kind: '' };

  beforeAll(async () => {
    if (!available) return;
    ({ store, done } = await open());
    await store.migrate();
    await seed(store);
  });
  afterAll(async () => { await done(); });

  it.runIf(available)('lists only the runs a user may see, with filters and top finding', async () => {
    expect((await listRuns(store, ann, noFilter)).map((r) => r.run_id)).toEqual(['r1']);
    const all = await listRuns(store, admin, { ...noFilter, kind: 'slow_node' });
    expect(all.map((r) => r.run_id).sort()).toEqual(['r1', 'r2']);
    expect(all.find((r) => r.run_id === 'r2')?.top_finding?.kind).toBe('slow_node');
    expect(await listRuns(store, admin, { ...noFilter, status: 'running' })).toHaveLength(1);
    expect(await listRuns(store, admin, { ...noFilter, app: 'nope' })).toHaveLength(0);
    expect((await appRuns(store, ann, 'a')).map((r) => r.run_id)).toEqual(['r1']);
  });

  it.runIf(available)('reads per-host timelines with the hole left as a hole', async () => {
    const s = await processSeries(store, { run_id: 'r1', hosts: ['n1', 'n2'], start_ms: T0, end_ms: T0 + 60_000 }, 1000);
    expect(s.cpu.map((x) => [x.host, x.points.length])).toEqual([['n1', 60], ['n2', 40]]);
    expect(s.cpu[0]!.points[0]).toEqual({ ts: T0, value: 2 });
    expect(s.memory[1]!.points.every((p) => p.value === 1_000_000)).toBe(true);
    // 10 s buckets: the per-tick sum averaged over the bucket's ticks, not summed across them.
    const coarse = await processSeries(store, { run_id: 'r1', hosts: ['n1', 'n2'], start_ms: T0, end_ms: T0 + 60_000 }, 10_000);
    const values = coarse.cpu[0]!.points.map((p) => p.value);
    expect(values.length).toBeGreaterThanOrEqual(6); // 7 when T0 is not on a 10 s boundary
    expect(values.every((v) => v === 2)).toBe(true);
    expect(coarse.memory[1]!.points.every((p) => p.value === 1_000_000)).toBe(true);
    // Ticks without IO are gaps: they neither dilute a bucket's IO nor turn into zeros.
    const io = coarse.io[0]!.points.map((p) => p.value).filter((v) => v !== null);
    expect(io.length).toBeGreaterThanOrEqual(5);
    expect(io.every((v) => v === 4000)).toBe(true);
    const ranks = await rankTotals(store, 'r1');
    expect(ranks.map((r) => [r.rank, r.host, Math.round(r.cpu_s)])).toEqual([[0, 'n1', 120], [1, 'n2', 80]]);
  });

  it.runIf(available)('serves the ops views: heatmap, shared causes, degradation, node health', async () => {
    const heat = await clusterHeatmap(store, 'mem_used', T0, T0 + 60_000);
    expect(heat.series.map((s) => s.host)).toEqual(['n1', 'n2']);
    expect(heat.series[0]!.points[0]!.value).toBeCloseTo(0.75);
    expect(await sharedCauses(store, T0 - 1000)).toMatchObject([{ kind: 'slow_node', host: 'n2', runs: 2, findings: 2 }]);
    expect((await degradedRunning(store)).map((r) => [r.run_id, Number(r.score.toFixed(2))])).toEqual([['r2', 2.7]]);
    // Only hardware faults count as node health: cpu_bound and slow_node are not.
    expect(await nodeHealth(store, T0 - 1000)).toEqual([]);
  });
});
