// What chDB itself costs per row on the ingest path, apart from Kafka and JS: the same rows
// inserted from an ArrowStream spill file (the production statement) and copied by the engine's
// own INSERT … SELECT (the ceiling), each with this process's CPU (all threads).
//   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/engine-probe.ts
import { openChdbStore } from '@runlens/pipeline';
import { MODERN_CAPABILITIES, admitStream, catalog, columnType, compactStreams, encodeBatch, spliceStreams } from '@runlens/schemas';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageRows } from './rows.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'runlens-engine-probe-'));

async function cpu(what: string, rows: number, run: () => Promise<unknown>): Promise<void> {
  const per: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    await run();
    const c = process.cpuUsage(c0);
    per.push(rows / ((c.user + c.system) / 1e6));
  }
  console.log(`${what}: ${per.map((p) => `${Math.round(p / 1000)}k`).join(', ')} rows/CPU-s`);
}

async function main(): Promise<void> {
  const store = await openChdbStore({ path: join(dir, 'db'), database: 'probe' });
  // Background merges would land in whichever measurement runs next.
  await store.query('SYSTEM STOP MERGES');
  const base = Date.now() - 3_600_000;
  const streams = Array.from({ length: ROWS / 500 }, (_, m) => encodeBatch('process_samples', messageRows(m, 500, base)));
  const [spliced] = spliceStreams(streams);
  if (!spliced) throw new Error('nothing spliced');
  const file = join(dir, 'rows.arrows');
  writeFileSync(file, spliced);
  const cols = Object.keys(catalog.process_samples.columns).join(', ');
  const q = (sql: string) => (): Promise<unknown> => store.query(sql);
  // The same rows in record batches of other sizes: the engine's cost per record batch.
  for (const size of [20, 100_000]) {
    const other = Array.from({ length: Math.ceil(ROWS / size) }, (_, m) => encodeBatch('process_samples', messageRows(m, size, base)));
    const f = join(dir, `rows-${size}.arrows`);
    writeFileSync(f, spliceStreams(other)[0] ?? new Uint8Array());
    await cpu(`file ArrowStream, ${size}-row record batches`, ROWS, q(`INSERT INTO process_samples (${cols}) SELECT ${cols} FROM file('${f}', 'ArrowStream')`));
  }
  await cpu('insertArrow, 500-row messages spliced (spill + file ArrowStream)', ROWS, () => store.insertArrow('process_samples', streams));
  for (const s of streams) admitStream('process_samples', s);
  await cpu('insertArrow, 500-row messages compacted', ROWS, () => store.insertArrow('process_samples', streams));
  const small = Array.from({ length: ROWS / 20 }, (_, m) => encodeBatch('process_samples', messageRows(m, 20, base)));
  await cpu('insertArrow, 20-row messages spliced', ROWS, () => store.insertArrow('process_samples', small));
  for (const s of small) admitStream('process_samples', s);
  await cpu('insertArrow, 20-row messages compacted', ROWS, () => store.insertArrow('process_samples', small));
  const c0 = process.cpuUsage();
  for (let r = 0; r < REPEATS; r++) compactStreams('process_samples', small);
  const c = process.cpuUsage(c0);
  console.log(`compactStreams alone, 20-row messages: ${Math.round((ROWS * REPEATS) / ((c.user + c.system) / 1e6) / 1000)}k rows/CPU-s`);
  await cpu('file ArrowStream only', ROWS, q(`INSERT INTO process_samples (${cols}) SELECT ${cols} FROM file('${file}', 'ArrowStream')`));
  const structure = Object.entries(catalog.process_samples.columns).map(([c, d]) => `${c} ${columnType(d, MODERN_CAPABILITIES)}`).join(', ');
  await cpu('file ArrowStream with the table\'s structure', ROWS, q(`INSERT INTO process_samples (${cols}) SELECT ${cols} FROM file('${file}', 'ArrowStream', '${structure}')`));
  await cpu('INSERT … FROM INFILE … FORMAT ArrowStream', ROWS, q(`INSERT INTO process_samples (${cols}) FROM INFILE '${file}' FORMAT ArrowStream`));
  await cpu('file ArrowStream, optimize_on_insert=0', ROWS, q(`INSERT INTO process_samples (${cols}) SELECT ${cols} FROM file('${file}', 'ArrowStream') SETTINGS optimize_on_insert = 0`));
  await store.query('CREATE TABLE IF NOT EXISTS ceiling_copy AS process_samples');
  const n = Number((await store.query<{ n: string }>('SELECT count() AS n FROM process_samples'))[0]?.n);
  await cpu(`ceiling INSERT … SELECT (${n} rows)`, n, q('INSERT INTO ceiling_copy SELECT * FROM process_samples'));
  await cpu('read only: SELECT FROM file ArrowStream', ROWS, q(`SELECT count(), sum(cityHash64(${cols})) FROM file('${file}', 'ArrowStream')`));
  await store.close();
}

main().finally(() => rmSync(dir, { recursive: true, force: true })).catch((e: unknown) => { console.error(e); process.exitCode = 1; });
