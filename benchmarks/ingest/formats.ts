import type { Store } from '@runlens/pipeline';
import { type Row, encodeBatch } from '@runlens/schemas';
import type { ClickHouseHttp } from './clickhouse-http.ts';
import { cpuSeconds, progress } from './proc.ts';
import { rowBinaryEncoder } from './row-binary.ts';
import { rowBatches } from './rows.ts';

type Rows = Row<'process_samples'>[];
type Payload = Uint8Array | string;

/** One insert path: how a batch becomes bytes (JS side), and how the bytes go in. */
interface Variant {
  readonly name: string;
  build(rows: Rows): Payload;
  insert(p: Payload): Promise<void>;
}

export interface FormatRun {
  readonly store: 'chdb' | 'clickhouse';
  readonly variant: string;
  readonly batch_rows: number;
  readonly rows: number;
  /** Sum of insert-call wall times (payload already built). */
  readonly insert_s: number;
  /** JS time to build the payloads from row objects (not in insert_s). */
  readonly build_s: number;
  /** CPU of this process during the insert calls (chDB runs here; for the server: the HTTP client). */
  readonly client_cpu_s: number;
  /** clickhouse-server CPU over the insert loop (merges of the new parts included). */
  readonly server_cpu_s: number | null;
}

const cpuNow = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** Statements go over HTTP to the server (its client appends FORMAT to every query), or to chDB's session. */
async function exec(store: Store, http: ClickHouseHttp | null, sql: string): Promise<void> {
  if (http) await http.sql(sql);
  else await store.query(sql);
}

async function count(store: Store, http: ClickHouseHttp | null, table: string): Promise<number> {
  if (http) return http.count(table);
  return Number((await store.query<{ n: string | number }>(`SELECT count() AS n FROM ${table}`))[0]?.n);
}

/** JSONEachRow lines; chDB's ts is DateTime64(3), where a bare JSON number would mean seconds. */
function jsonLines(rows: Rows, tsAsSeconds: boolean): string {
  let out = '';
  for (const r of rows) out += `${JSON.stringify(tsAsSeconds ? { ...r, ts: (r.ts / 1000).toFixed(3) } : r)}\n`;
  return out;
}

export function chdbVariants(store: Store): Variant[] {
  return [
    { name: 'ArrowStream (store.insertArrow)', build: (rows) => encodeBatch('process_samples', rows), insert: (p) => store.insertArrow('process_samples', p as Uint8Array) },
    {
      name: 'JSONEachRow (INSERT … FORMAT)', build: (rows) => jsonLines(rows, true),
      insert: async (p) => { await store.query(`INSERT INTO ${store.database}.process_samples FORMAT JSONEachRow\n${p as string}`); },
    },
  ];
}

export async function serverVariants(store: Store, http: ClickHouseHttp): Promise<Variant[]> {
  const table = `${store.database}.process_samples`;
  const encode = rowBinaryEncoder(await http.describe(table));
  return [
    { name: 'JSONEachRow (HTTP body)', build: (rows) => jsonLines(rows, false), insert: async (p) => { await http.sql(`INSERT INTO ${table} FORMAT JSONEachRow`, p); } },
    { name: 'RowBinary (HTTP body)', build: (rows) => encode(rows), insert: async (p) => { await http.sql(`INSERT INTO ${table} FORMAT RowBinary`, p); } },
    {
      name: 'Arrow→Native (store.insertArrow)', build: (rows) => encodeBatch('process_samples', rows),
      insert: (p) => store.insertArrow('process_samples', p as Uint8Array),
    },
  ];
}

/** Rows are built and encoded a chunk at a time (≤ 100k rows in memory), then inserted back to back. */
export async function runVariant(opts: {
  store: Store; http: ClickHouseHttp | null; variant: Variant; batchRows: number;
  messages: number; rowsPerMessage: number; baseTs: number;
}): Promise<FormatRun> {
  const { store, http, variant, batchRows } = opts;
  const table = `${store.database}.process_samples`;
  await exec(store, http, `TRUNCATE TABLE ${table}`);
  const serverPid = http?.serverPid() ?? null;
  const srv0 = serverPid ? cpuSeconds(serverPid) : 0;
  const chunkRows = Math.max(batchRows, 100_000);
  let pending: Payload[] = [];
  let rows = 0, build_s = 0, insert_s = 0, client_cpu_s = 0;
  const flush = async (): Promise<void> => {
    const c0 = cpuNow();
    const t0 = performance.now();
    for (const p of pending) await variant.insert(p);
    insert_s += (performance.now() - t0) / 1000;
    client_cpu_s += cpuNow() - c0;
    pending = [];
  };
  for (const batch of rowBatches(opts.messages, opts.rowsPerMessage, opts.baseTs, batchRows)) {
    const t0 = performance.now();
    pending.push(variant.build(batch));
    build_s += (performance.now() - t0) / 1000;
    rows += batch.length;
    if (pending.length * batchRows >= chunkRows) await flush();
  }
  await flush();
  const server_cpu_s = serverPid ? cpuSeconds(serverPid) - srv0 : null;
  const stored = await count(store, http, table);
  if (stored !== rows) throw new Error(`${store.kind} ${variant.name}: ${stored} rows stored, ${rows} inserted`);
  progress(`  ${store.kind} ${variant.name} ×${batchRows}: ${Math.round(rows / insert_s)} rows/s`);
  return { store: store.kind, variant: variant.name, batch_rows: batchRows, rows, insert_s, build_s, client_cpu_s, server_cpu_s };
}

export interface CeilingRun {
  readonly store: 'chdb' | 'clickhouse';
  readonly rows: number;
  readonly wall_s: number;
  readonly cpu_s: number;
}

/** `INSERT INTO t2 SELECT * FROM process_samples`: the engine's own write rate for these rows. */
export async function ceiling(store: Store, http: ClickHouseHttp | null): Promise<CeilingRun> {
  const db = store.database;
  await exec(store, http, `DROP TABLE IF EXISTS ${db}.ceiling_copy`);
  await exec(store, http, `CREATE TABLE ${db}.ceiling_copy AS ${db}.process_samples`);
  const pid = http ? http.serverPid() : null;
  const c0 = pid ? cpuSeconds(pid) : cpuNow();
  const t0 = performance.now();
  await exec(store, http, `INSERT INTO ${db}.ceiling_copy SELECT * FROM ${db}.process_samples`);
  const wall_s = (performance.now() - t0) / 1000;
  const cpu_s = (pid ? cpuSeconds(pid) : cpuNow()) - c0;
  const rows = await count(store, http, `${db}.ceiling_copy`);
  await exec(store, http, `DROP TABLE ${db}.ceiling_copy`);
  return { store: store.kind, rows, wall_s, cpu_s };
}
