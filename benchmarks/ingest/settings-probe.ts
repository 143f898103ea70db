// Query settings on chDB's production insert statement (one compacted 100 k-row ArrowStream file
// with the table's structure, optimize_on_insert = 0): CPU of this process per row, alternated.
//   nice -n 10 node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/settings-probe.ts
// BENCH_SHM_DIR=/dev/shm adds the production statement reading the same file from tmpfs.
import { openChdbStore } from '@runlens/pipeline';
import { MODERN_CAPABILITIES, admitStream, catalog, columnType, compactStreams, encodeBatch } from '@runlens/schemas';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageRows } from './rows.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'runlens-settings-probe-'));
let shm: string | null = null;

async function main(): Promise<void> {
  const store = await openChdbStore({ path: join(dir, 'db'), database: 'probe' });
  await store.query('SYSTEM STOP MERGES');
  const base = Date.now() - 3_600_000;
  const streams = Array.from({ length: ROWS / 500 }, (_, m) => encodeBatch('process_samples', messageRows(m, 500, base)));
  for (const s of streams) admitStream('process_samples', s);
  const pieces = compactStreams('process_samples', streams);
  if (!pieces) throw new Error('not compacted');
  const file = join(dir, 'rows.arrows');
  writeFileSync(file, Buffer.concat(pieces));
  // The same file on tmpfs (where /dev/shm exists): the spill's own share of ext4's work.
  shm = process.env.BENCH_SHM_DIR ? mkdtempSync(join(process.env.BENCH_SHM_DIR, 'runlens-probe-')) : null;
  if (shm) writeFileSync(join(shm, 'rows.arrows'), Buffer.concat(pieces));
  const cols = Object.keys(catalog.process_samples.columns).join(', ');
  const structure = Object.entries(catalog.process_samples.columns).map(([c, d]) => `${c} ${columnType(d, MODERN_CAPABILITIES)}`).join(', ');
  const variants: Record<string, string> = {
    production: 'optimize_on_insert = 0',
    max_threads_1: 'optimize_on_insert = 0, max_threads = 1',
    max_insert_threads_1: 'optimize_on_insert = 0, max_threads = 1, max_insert_threads = 1',
    no_squash: 'optimize_on_insert = 0, min_insert_block_size_rows = 0, min_insert_block_size_bytes = 0',
  };
  const from = (name: string): string => (name === 'tmpfs_spill' && shm !== null ? join(shm, 'rows.arrows') : file);
  if (shm) variants.tmpfs_spill = variants.production as string;
  const per = new Map<string, number[]>();
  for (let r = 0; r < REPEATS; r++) {
    for (const [name, settings] of Object.entries(variants)) {
      const c0 = process.cpuUsage();
      await store.query(`INSERT INTO process_samples (${cols}) SELECT ${cols} FROM file('${from(name)}', 'ArrowStream', '${structure}') SETTINGS ${settings}`);
      const c = process.cpuUsage(c0);
      per.set(name, [...(per.get(name) ?? []), Math.round(ROWS / ((c.user + c.system) / 1e6) / 1000)]);
    }
  }
  await store.query('CREATE TABLE IF NOT EXISTS ceiling_copy AS process_samples');
  const n = Number((await store.query<{ n: string }>('SELECT count() AS n FROM process_samples'))[0]?.n);
  const ceil: number[] = [];
  for (let r = 0; r < 2; r++) {
    const c0 = process.cpuUsage();
    await store.query('INSERT INTO ceiling_copy SELECT * FROM process_samples');
    const c = process.cpuUsage(c0);
    ceil.push(Math.round(n / ((c.user + c.system) / 1e6) / 1000));
  }
  for (const [k, v] of per) console.log(`${k}: ${v.join(', ')} k rows/CPU-s`);
  console.log(`ceiling (${n} rows): ${ceil.join(', ')} k rows/CPU-s`);
  await store.close();
}

main().finally(() => { for (const d of [dir, shm]) if (d !== null) rmSync(d, { recursive: true, force: true }); }).catch((e: unknown) => { console.error(e); process.exitCode = 1; });
