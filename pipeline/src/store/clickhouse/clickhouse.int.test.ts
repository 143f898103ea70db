import { type Row, type TableName, catalog, createTableSql, encodeBatch } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startClickHouse } from '../../testing/servers.ts';
import { ClickHouseStore } from './index.ts';

/** Debian's ClickHouse 18.16, started for real: capabilities, degraded DDL, binder, idempotent writes. */
function node(host: string, ts: number, cpu: number): Row<'node_samples'> {
  return {
    ts, host, interval_s: 1, cpu_user_cores: cpu, cpu_system_cores: 0, cpu_iowait_cores: 0, cpu_irq_cores: 0, cpu_steal_cores: 0,
    cpu_idle_cores: 2 - cpu, online_cpus: 2, mem_total_bytes: 1, mem_available_bytes: 1, mem_cached_bytes: 0, swap_used_bytes: 0,
    load1: 0, procs_running: 1, procs_blocked: 0, ctxsw_per_s: 0, psi_cpu_some: null, psi_io_some: null, psi_io_full: null,
    psi_memory_some: null, psi_memory_full: null,
  };
}

/** One row of table `t` with a value of every column's type: every other nullable column NULL, strings with quotes and UTF-8. */
function anyRow(t: TableName): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  let i = 0;
  for (const [name, def] of Object.entries(catalog[t].columns)) {
    i++;
    if (def.nullable && i % 2 === 0) row[name] = null;
    else if (def.type === 'ts') row[name] = Date.now() - 1000 + i;
    else if (def.type === 'str' || def.type === 'lc') row[name] = `v'${i}\\ü`;
    else if (def.type === 'str_list') row[name] = ['a', `b${i}`];
    else if (def.type === 'f64') row[name] = i + 0.25;
    else row[name] = i;
  }
  return row;
}

describe('ClickHouse server store', () => {
  let server: TestServer;
  let store: ClickHouseStore;
  const now = Date.now();

  beforeAll(async () => {
    server = await startClickHouse();
    store = await ClickHouseStore.connect({ url: server.url, database: `t_${randomBytes(4).toString('hex')}` });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('detects what the server lacks and degrades the DDL instead of failing', () => {
    expect(store.capabilities.version).toMatch(/^18\.16/);
    expect(store.capabilities).toMatchObject({ dateTime64: false, codecs: false, ttl: false, queryParameters: false, arrowInput: false });
  });

  it('keeps millisecond timestamps and collapses a replayed batch', async () => {
    const batch = encodeBatch('node_samples', [node('h1', now + 1, 0.5), node('h1', now + 501, 1.5)]);
    await store.insertArrow('node_samples', batch);
    await store.insertArrow('node_samples', batch); // at-least-once replay
    const rows = await store.query<{ t: number; cpu: number }>(
      `SELECT ${store.sql.ms('ts')} AS t, cpu_user_cores AS cpu FROM node_samples FINAL WHERE host = {h:String} ORDER BY t`, { h: 'h1' });
    expect(rows.map((r) => Number(r.t))).toEqual([now + 1, now + 501]);
    expect(rows.map((r) => r.cpu)).toEqual([0.5, 1.5]);
  });

  it('writes into a table made before the server allowed LowCardinality: its String columns stay String', async () => {
    expect(store.capabilities.lowCardinality).toBe(true); // deploy/clickhouse allows it
    const command = (q: string): Promise<void> => (store as unknown as { command(q: string): Promise<void> }).command(q);
    await command(`DROP TABLE ${store.database}.cgroup_samples`);
    await command(createTableSql('cgroup_samples', { ...store.capabilities, lowCardinality: false }, store.database));
    await store.migrate(); // a running store learns the table's types again
    const row = anyRow('cgroup_samples');
    await store.insertArrow('cgroup_samples', [encodeBatch('cgroup_samples', [row as never]), encodeBatch('cgroup_samples', [row as never])]);
    const back = await store.query<{ host: string; type: string; n: number }>('SELECT host, toTypeName(host) AS type, count() AS n FROM cgroup_samples GROUP BY host');
    expect(back.map((r) => [r.host, r.type, Number(r.n)])).toEqual([[row.host, 'String', 2]]);
  });

  it('binds hostile parameter values as plain data', async () => {
    const hostile = ["x' OR 1=1 --", "\\' OR '1'='1", 'a\\', "'; DROP TABLE node_samples; --", 'ünï\ncode\0'];
    await store.insertRows('node_samples', hostile.map((h, i) => node(h, now + i, 0)));
    for (const h of hostile) {
      const r = await store.query<{ host: string }>('SELECT host FROM node_samples FINAL WHERE host = {h:String}', { h });
      expect(r.map((x) => x.host)).toEqual([h]);
    }
    const inList = await store.query<{ n: number }>('SELECT count() AS n FROM node_samples FINAL WHERE has({hs:Array(String)}, host)', { hs: hostile });
    expect(Number(inList[0]?.n)).toBe(hostile.length);
    await expect(store.query('SELECT {n:UInt32} AS n', { n: -1 })).rejects.toThrow(/negative/);
    await expect(store.query('SELECT {n:UInt32} AS n', { n: '1 OR 1' as unknown as number })).rejects.toThrow(/integer/);
  });
});

describe('schema evolution on the 18.16 server', () => {
  it('adds columns the catalog gained to an existing table', async () => {
    const server = await startClickHouse();
    const db = `t_${randomBytes(4).toString('hex')}`;
    const store = await ClickHouseStore.connect({ url: server.url, database: db });
    try {
      await store.query('SELECT 1');
      // An older deployment's table without the newer columns.
      await (store as unknown as { command(q: string): Promise<void> }).command(`CREATE TABLE ${db}.app_models (app String, updated_ts UInt64) ENGINE = ReplacingMergeTree(updated_ts) ORDER BY app`);
      const warnings = await store.migrate();
      const cols = await store.query<{ name: string }>('SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}', { db, t: 'app_models' });
      expect(cols.map((c) => c.name)).toEqual(expect.arrayContaining(['fingerprint', 'scale_cores', 'scaling_exponent', 'wall_s_median']));
      // Its sort key cannot change in place: migrate says so, and only for that table.
      expect(warnings).toEqual([expect.stringMatching(/^app_models is sorted by \(app\); the catalog now sorts it by \(app, fingerprint, node_type, scale_cores\)/)]);
      expect(await store.migrate()).toHaveLength(1);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describe('RowBinary from Arrow on the 18.16 server', () => {
  it('round-trips a row of every catalog table, nulls and lists included', async () => {
    const { tableNames } = await import('@runlens/schemas');
    const server = await startClickHouse();
    const store = await ClickHouseStore.connect({ url: server.url, database: `t_${randomBytes(4).toString('hex')}` });
    try {
      expect(await store.migrate()).toEqual([]); // fresh tables carry the catalog's sort keys
      for (const t of tableNames) {
        const row = anyRow(t);
        await store.insertRows(t, [row as never]);
        const cols = Object.entries(catalog[t].columns).filter(([, d]) => d.type !== 'ts').map(([n]) => n);
        const back = await store.query<Record<string, unknown>>(`SELECT ${cols.join(', ')} FROM ${t}`);
        expect(back, t).toHaveLength(1);
        for (const c of cols) expect(back[0]?.[c], `${t}.${c}`).toEqual(row[c]);
      }
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
