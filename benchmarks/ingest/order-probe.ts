/**
 * Whether the ceiling's input order flatters it: the ceiling copies parts already sorted by the
 * table's key, while ingest hands chDB rows tick by tick (one host's processes per message), which
 * the insert sorts. The same 300 k rows from an ArrowStream file in either order, inserted as
 * production does (optimize_on_insert = 0), merges stopped, the two orders alternated.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/order-probe.ts
 */
import { openChdbStore } from '@runlens/pipeline';
import { type Row, catalog, encodeBatch, spliceStreams } from '@runlens/schemas';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './proc.ts';
import { messageRows } from './rows.ts';

const ROWS = 300_000;
const ROUNDS = 8;
type Sample = Row<'process_samples'>;

const key = catalog.process_samples.orderBy as readonly (keyof Sample)[];
function byKey(a: Sample, b: Sample): number {
  for (const k of key) if (a[k] !== b[k]) return (a[k] as number | string) < (b[k] as number | string) ? -1 : 1;
  return 0;
}

function arrowFile(dir: string, name: string, rows: readonly Sample[]): string {
  const file = join(dir, name);
  const batches = Array.from({ length: rows.length / 500 }, (_, m) => encodeBatch('process_samples', rows.slice(m * 500, m * 500 + 500)));
  writeFileSync(file, spliceStreams(batches)[0] ?? new Uint8Array());
  return file;
}

async function main(dir: string): Promise<void> {
  const store = await openChdbStore({ path: join(dir, 'db'), database: 'probe' });
  await store.query('SYSTEM STOP MERGES');
  const ticks = Array.from({ length: ROWS / 500 }, (_, m) => messageRows(m, 500, Date.now() - 3_600_000)).flat();
  const files = { tick: arrowFile(dir, 'tick.arrows', ticks), key: arrowFile(dir, 'key.arrows', [...ticks].sort(byKey)) };
  const cols = Object.keys(catalog.process_samples.columns).join(', ');
  const rate: Record<keyof typeof files, number[]> = { tick: [], key: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const order of i % 2 ? (['key', 'tick'] as const) : (['tick', 'key'] as const)) {
      await store.query('TRUNCATE TABLE process_samples');
      const c0 = process.cpuUsage();
      await store.query(`INSERT INTO process_samples (${cols}) SELECT ${cols} FROM file('${files[order]}', 'ArrowStream') SETTINGS optimize_on_insert = 0`);
      const c = process.cpuUsage(c0);
      rate[order].push(ROWS / ((c.user + c.system) / 1e6));
    }
  }
  await store.close();
  const k = (xs: number[]): string => xs.map((x) => Math.round(x / 1000)).join(', ');
  console.log(`tick order: ${k(rate.tick)} k rows/CPU-s\nkey order:  ${k(rate.key)} k rows/CPU-s\nkey ÷ tick (medians): ${(median(rate.key) / median(rate.tick)).toFixed(2)}×`);
}

const dir = mkdtempSync(join(tmpdir(), 'runlens-order-probe-'));
main(dir).finally(() => rmSync(dir, { recursive: true, force: true })).catch((e: unknown) => { console.error(e); process.exitCode = 1; });
