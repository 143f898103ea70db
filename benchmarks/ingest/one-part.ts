/**
 * What it costs the engine to bring a table to one part per partition, as the ceiling's single
 * `INSERT … SELECT` leaves its copy. Ingest writes a part per flush, and the engine merges them:
 * some within the measured window, some once enough have gathered (never, here, where three large
 * parts are too few for the merge selector). `OPTIMIZE … FINAL` does the rest now, so ingest and
 * the ceiling are compared at the same end state: the measure that no flush size can flatter.
 *
 * Run as a script for chDB (a process opens one chDB data directory only, and the harness holds its
 * own): `node --import tsx one-part.ts <chdb path> <database>` prints one JSON line.
 */
import { type Store, openChdbStore } from '@runlens/pipeline';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClickHouseHttp } from './clickhouse-http.ts';
import { cpuSeconds } from './proc.ts';

export interface OnePart {
  /** Rows in the table before the merge (FINAL would collapse a row stored twice). */
  readonly rows: number;
  /** Active parts per partition before, the largest count (1: nothing to merge, nothing run). */
  readonly max_parts: number;
  /** CPU of the merge: the server's for 18.16, the whole chDB process's (its merge threads) for chDB. */
  readonly cpu_s: number;
}

const TABLE = 'process_samples';
const TSX = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const partsSql = (db: string): string => `SELECT toString(max(n)) AS n FROM (SELECT count() AS n FROM system.parts WHERE database = '${db}' AND table = '${TABLE}' AND active GROUP BY partition)`;
const optimizeSql = (db: string): string => `OPTIMIZE TABLE ${db}.${TABLE} FINAL`;

/** What the merge step needs of an engine: a one-value query (its column named `n`), a statement, and the CPU that pays for both. */
interface Engine {
  scalar(sql: string): Promise<string>;
  run(sql: string): Promise<void>;
  cpu(): number;
}

/** Counts, then merges to one part per partition where some partition has more, timing only the merge. */
async function toOnePart(e: Engine, db: string): Promise<OnePart> {
  const rows = Number(await e.scalar(`SELECT toString(count()) AS n FROM ${db}.${TABLE}`));
  const max_parts = Number(await e.scalar(partsSql(db)));
  if (!(max_parts > 1)) return { rows, max_parts, cpu_s: 0 };
  const c0 = e.cpu();
  await e.run(optimizeSql(db));
  return { rows, max_parts, cpu_s: e.cpu() - c0 };
}

/** The server's table to one part per partition, with the server's CPU. */
export function serverToOnePart(http: ClickHouseHttp, db: string): Promise<OnePart> {
  return toOnePart({
    scalar: async (sql) => (await http.sql(sql)).trim(),
    run: async (sql) => void (await http.sql(sql)),
    cpu: () => cpuSeconds(http.serverPid()),
  }, db);
}

/** chDB's table at `path` to one part per partition, in a process of its own (see above). */
export function chdbToOnePart(path: string, db: string): OnePart {
  const out = execFileSync(process.execPath, ['--import', TSX, fileURLToPath(import.meta.url), path, db], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as OnePart;
}

/** The chDB side, run in the child: the whole process's CPU (the engine's merge threads are its own). */
async function inProcess(path: string, db: string): Promise<OnePart> {
  const store: Store = await openChdbStore({ path, database: db });
  try {
    return await toOnePart({
      scalar: async (sql) => (await store.query<{ n: string }>(sql))[0]?.n ?? 'NaN',
      run: async (sql) => void (await store.query(sql)),
      cpu: () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; },
    }, db);
  } finally {
    await store.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, db] = process.argv.slice(2);
  if (!path || !db) throw new Error('usage: one-part.ts <chdb path> <database>');
  process.stdout.write(`${JSON.stringify(await inProcess(path, db))}\n`);
}
