// Where RunLens's bytes go on chDB, and what would shrink them: the same process_samples rows
// copied (INSERT … SELECT) into tables that differ from the production DDL in one thing at a
// time: the column codecs (production's Gorilla / DoubleDelta / T64 + ZSTD(1), the engine's
// default LZ4, plain ZSTD(1)) and the sort key (tick-major, the catalog's order until this
// benchmark showed its cost, or series-major: each process's points consecutive, the order
// Gorilla and DoubleDelta assume and the catalog's order now).
import { MODERN_CAPABILITIES, createTableSql } from '@runlens/schemas';
import type { Store } from '@runlens/pipeline';

export interface LayoutSize {
  readonly codecs: 'production' | 'lz4' | 'zstd1';
  readonly order: 'tick' | 'series';
  readonly order_by: string;
  readonly rows: number;
  readonly bytes_on_disk: number;
  readonly part_type: string;
}

const PROD_ORDER = /ORDER BY \(([^)]*)\)/;
const ORDERS = { tick: 'host, run_id, ts, pid', series: 'host, run_id, pid, start_ticks, ts' } as const;

function ddl(target: string, codecs: LayoutSize['codecs'], order: LayoutSize['order']): { sql: string; orderBy: string } {
  const caps = { ...MODERN_CAPABILITIES, codecs: codecs === 'production' };
  let sql = createTableSql('process_samples', caps).replace(/^CREATE TABLE IF NOT EXISTS process_samples/, `CREATE TABLE ${target}`);
  // Column lines are "  name Type", comma-separated; add one codec to each.
  if (codecs === 'zstd1') sql = sql.replace(/^( {2}[a-z_]+ .*?)(,?)$/gm, '$1 CODEC(ZSTD(1))$2');
  sql = sql.replace(PROD_ORDER, `ORDER BY (${ORDERS[order]})`);
  return { sql, orderBy: PROD_ORDER.exec(sql)?.[1] ?? '' };
}

type Num = number | string;

/** Copies `db`.process_samples into each layout in a scratch database; sizes after OPTIMIZE FINAL. */
export async function chdbLayouts(store: Store): Promise<LayoutSize[]> {
  const db = store.database;
  const scratch = `${db}_layouts`;
  const out: LayoutSize[] = [];
  await store.query(`CREATE DATABASE IF NOT EXISTS ${scratch}`);
  try {
    for (const order of ['tick', 'series'] as const) {
      for (const codecs of ['production', 'lz4', 'zstd1'] as const) {
        const target = `${scratch}.ps_${codecs}_${order}`;
        const { sql, orderBy } = ddl(target, codecs, order);
        await store.query(sql);
        await store.query(`INSERT INTO ${target} SELECT * FROM ${db}.process_samples`);
        await store.query(`OPTIMIZE TABLE ${target} FINAL`);
        const [p] = await store.query<{ rows: Num; bytes: Num; part_type: string }>(
          `SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes, any(part_type) AS part_type FROM system.parts
           WHERE database = '${scratch}' AND table = 'ps_${codecs}_${order}' AND active`);
        out.push({ codecs, order, order_by: orderBy, rows: Number(p?.rows), bytes_on_disk: Number(p?.bytes), part_type: p?.part_type ?? '' });
        await store.query(`DROP TABLE ${target}`);
      }
    }
  } finally {
    await store.query(`DROP DATABASE IF EXISTS ${scratch}`);
  }
  return out;
}

/** Bytes per sample of each layout, against the production codecs in tick-major order (the catalog's old DDL). */
export function layoutTable(sizes: readonly LayoutSize[], samples: number): string {
  const ref = sizes.find((s) => s.codecs === 'production' && s.order === 'tick')?.bytes_on_disk ?? Number.NaN;
  const lines = [
    '| codecs | sort key | part | bytes on disk | bytes / row | bytes / sample | vs old DDL (tick-major) |',
    '|---|---|---|---:|---:|---:|---:|',
  ];
  for (const s of sizes) {
    const codecs = { production: 'production (Gorilla/DoubleDelta/T64 + ZSTD(1))', lz4: 'none (engine default LZ4)', zstd1: 'ZSTD(1) on every column' }[s.codecs];
    lines.push(`| ${codecs} | (${s.order_by}) | ${s.part_type} | ${(s.bytes_on_disk / 1048576).toFixed(2)} MiB | ${(s.bytes_on_disk / s.rows).toFixed(2)} | ${(s.bytes_on_disk / samples).toFixed(3)} | ${(s.bytes_on_disk / ref).toFixed(2)}× |`);
  }
  return lines.join('\n');
}
