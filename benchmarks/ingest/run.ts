import { type Store, openChdbStore, openClickHouseStore, openKafkaBus } from '@runlens/pipeline';
import { type TestServer, freePort, startClickHouse, startKafka } from '@runlens/pipeline/testing/servers';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCompression } from '../lib/bus-codec.ts';
import { ClickHouseHttp } from './clickhouse-http.ts';
import { type CeilingRun, type FormatRun, ceiling, chdbVariants, runVariant, serverVariants } from './formats.ts';
import { type IngestRun, preload, runIngest } from './kafka-ingest.ts';
import { chdbToOnePart, serverToOnePart } from './one-part.ts';
import { progress, settle } from './proc.ts';
import { type Repeat, summarize } from './report.ts';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const MESSAGES = env('BENCH_MESSAGES', 2000);
const ROWS_PER_MESSAGE = env('BENCH_ROWS_PER_MESSAGE', 500);
const REPEATS = env('BENCH_REPEATS', 3);
const BATCHES = (process.env.BENCH_BATCHES ?? '500,10000').split(',').map(Number);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'ingest,formats').split(','));
/** Copies per ceiling measurement: one copy's CPU moved 1.6× between repeats (background merges); the summary takes the median. */
const CEILING_COPIES = env('BENCH_CEILING_COPIES', 5);
const COMPRESSION = benchCompression();
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
const ROWS = MESSAGES * ROWS_PER_MESSAGE;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results.json');
/** One hour ago, so every tick (64 hosts per second of data) stays well inside the 90-day TTL. */
const BASE_TS = Date.now() - 3_600_000;

const temp = mkdtempSync(join(tmpdir(), 'runlens-ingest-bench-'));
const servers: TestServer[] = [];
const stores: Store[] = [];

async function cleanup(): Promise<void> {
  for (const st of stores.splice(0)) await st.close().catch(() => undefined);
  for (const sv of servers.splice(0)) {
    await sv.stop({ kill: true }).catch((e: unknown) => progress(`stop failed: ${String(e)}`));
    rmSync(sv.dir, { recursive: true, force: true });
  }
  rmSync(temp, { recursive: true, force: true });
}

/**
 * Before every measured phase: both engines idle (the server's merges, the harness's in-process
 * chDB's), so no phase is charged for the other's background work. Since 2026-12-06 (the sixth
 * pass in README.md): it rarely waits more than a few seconds.
 */
async function quiet(http: ClickHouseHttp, what: string): Promise<void> {
  const waited = await settle([http.serverPid(), 'self']);
  if (waited > 2.5) progress(`  waited ${waited.toFixed(1)} s for the engines to go idle before ${what}`);
}

async function kafkaIngest(r: number, kafka: TestServer, http: ClickHouseHttp): Promise<{ ingest: IngestRun[]; ceiling: Repeat['ceiling'] }> {
  const ingest: IngestRun[] = [];
  const ceil: Repeat['ceiling'] = [];
  const order = r % 2 === 0 ? (['clickhouse', 'chdb'] as const) : (['chdb', 'clickhouse'] as const);
  for (const store of order) {
    progress(`repeat ${r + 1}: Kafka → ${store}`);
    await quiet(http, `${store} ingest`);
    const database = `kafka_r${r}`;
    const storeEnv: Record<string, string> = store === 'clickhouse'
      ? { RUNLENS_CLICKHOUSE_URL: http.url, RUNLENS_CLICKHOUSE_DATABASE: database }
      : { RUNLENS_CHDB_PATH: join(temp, `chdb-ingest-r${r}`), RUNLENS_CLICKHOUSE_DATABASE: database };
    const run = await runIngest({
      store, brokers: kafka.url, group: `bench-${store}-r${r}-${Date.now()}`, serverPid: store === 'clickhouse' ? http.serverPid() : null,
      env: { ...storeEnv, RUNLENS_METRICS_PORT: String(await freePort()) }, messages: MESSAGES, timeoutS: 900,
      ...(CPU_PROF_DIR ? { cpuProfDir: join(CPU_PROF_DIR, store) } : {}),
    });
    if (run.rows_sent !== ROWS) throw new Error(`${store}: ingest sent ${run.rows_sent} rows, expected ${ROWS}`);
    const one_part = store === 'clickhouse' ? await serverToOnePart(http, database) : chdbToOnePart(join(temp, `chdb-ingest-r${r}`), database);
    if (one_part.rows !== ROWS) throw new Error(`${store}: ${one_part.rows} rows stored, expected ${ROWS}`);
    progress(`  ${store}: ${one_part.max_parts} parts in a partition at the end, ${one_part.cpu_s.toFixed(2)} CPU-s to merge them into one; ingest's peak RSS ${run.rss_peak_mib?.toFixed(0)} MiB`);
    progress(`  ${store}: ${Math.round(ROWS / run.wall_s)} rows/s wall, ${Math.round(ROWS / run.ingest_cpu_s)} rows per ingest CPU-s; threads ${JSON.stringify(run.threads ?? {})}; until idle (${run.settled?.wait_s.toFixed(1)} s later) ${Math.round(ROWS / (run.settled?.ingest_cpu_s ?? Number.NaN))} rows per ingest CPU-s, threads ${JSON.stringify(run.settled?.threads ?? {})}; window ${run.window_monotonic_s?.map((t) => t.toFixed(3)).join('-')}`);
    ingest.push({ ...run, one_part });
    if (store === 'clickhouse') {
      const st = await openClickHouseStore({ url: http.url, database });
      ceil.push(...(await ceilings(st, http, http)));
      await st.close();
      await http.sql(`DROP DATABASE ${database}`);
    } else {
      rmSync(join(temp, `chdb-ingest-r${r}`), { recursive: true, force: true });
    }
  }
  return { ingest, ceiling: ceil };
}

async function formatRuns(chdb: Store, server: Store, http: ClickHouseHttp): Promise<{ formats: FormatRun[]; ceiling: Repeat['ceiling'] }> {
  const formats: FormatRun[] = [];
  const common = { messages: MESSAGES, rowsPerMessage: ROWS_PER_MESSAGE, baseTs: BASE_TS };
  for (const batchRows of BATCHES) {
    for (const variant of chdbVariants(chdb)) formats.push(await runVariant({ store: chdb, http: null, variant, batchRows, ...common }));
    for (const variant of await serverVariants(server, http)) formats.push(await runVariant({ store: server, http, variant, batchRows, ...common }));
  }
  // The chDB table now holds the data set once: the engine's own copy rate is the ceiling.
  return { formats, ceiling: await ceilings(chdb, null, http) };
}

/** CEILING_COPIES copies of the table by the engine itself, each timed on its own. */
async function ceilings(store: Store, http: ClickHouseHttp | null, server: ClickHouseHttp): Promise<CeilingRun[]> {
  const runs: CeilingRun[] = [];
  for (let i = 0; i < CEILING_COPIES; i++) {
    await quiet(server, `${store.kind} ceiling copy ${i + 1}`);
    runs.push(await ceiling(store, http));
  }
  progress(`  ${store.kind} ceiling: ${runs.map((c) => Math.round(c.rows / c.cpu_s / 1000)).join(', ')} k rows per CPU-s (${CEILING_COPIES} copies)`);
  return runs;
}

async function main(): Promise<void> {
  progress(`${MESSAGES} messages × ${ROWS_PER_MESSAGE} rows = ${ROWS} rows; ${REPEATS} repeats; parts ${[...PARTS].join(',')}; bus codec ${COMPRESSION}`);
  const kafka = await startKafka();
  servers.push(kafka);
  const ch = await startClickHouse();
  servers.push(ch);
  const http = new ClickHouseHttp(ch.url, ch.dir);
  progress(`kafka ${kafka.url}, clickhouse ${ch.url} (${(await http.sql('SELECT version()')).trim()})`);
  if (PARTS.has('ingest')) {
    // The agents' codec (RUNLENS_KAFKA_COMPRESSION's default, lz4, or BENCH_COMPRESSION=gzip): what ingest inflates.
    const bus = await openKafkaBus({ brokers: [kafka.url], clientId: 'ingest-bench-preload', compression: COMPRESSION });
    try { await preload(bus, MESSAGES, ROWS_PER_MESSAGE, BASE_TS); } finally { await bus.close(); }
  }
  const chdb = await openChdbStore({ path: join(temp, 'chdb-harness'), database: 'fmt' });
  stores.push(chdb);
  const server = await openClickHouseStore({ url: ch.url, database: 'fmt' });
  stores.push(server);
  await server.migrate();
  const repeats: Repeat[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const k = PARTS.has('ingest') ? await kafkaIngest(r, kafka, http) : { ingest: [], ceiling: [] };
    const f = PARTS.has('formats') ? await formatRuns(chdb, server, http) : { formats: [], ceiling: [] };
    repeats.push({ ingest: k.ingest, ceiling: [...k.ceiling, ...f.ceiling], formats: f.formats });
    const { summary, markdown } = summarize(repeats, ROWS);
    writeFileSync(RESULTS, `${JSON.stringify({ config: { MESSAGES, ROWS_PER_MESSAGE, REPEATS, BATCHES, cores: availableParallelism() }, summary, repeats }, null, 2)}\n`);
    if (r === REPEATS - 1) process.stdout.write(`${markdown}\n`);
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void cleanup().finally(() => process.exit(130)); });
try {
  await main();
} finally {
  await cleanup();
}
