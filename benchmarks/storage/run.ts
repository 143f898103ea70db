// Bytes per stored sample and ingest rate: RunLens (chDB, ClickHouse 18.16) vs victoria-metrics
// and Prometheus on the same replayed data. See README.md for question, method and results.
import { type TestServer, startClickHouse } from '@runlens/pipeline/testing/servers';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackage, versionOf } from '../lib/debian.ts';
import { loadRecording } from '../lib/recording.ts';
import { ClickHouseHttp } from '../ingest/clickhouse-http.ts';
import { type DatasetOptions, defaultBaseTs } from './dataset.ts';
import { type IngestRun, ingestRunlens, ingestVictoria } from './ingest-rate.ts';
import { type Payloads, buildPayloads } from './payloads.ts';
import { PROMTOOL } from './prometheus.ts';
import { IDLE_RECORDING } from './recording-path.ts';
import { layoutTable } from './chdb-layouts.ts';
import { ingestTable, promtoolLine, storageTable } from './report.ts';
import { measureStorage } from './storage.ts';
import { type StoreOpener, progress, storeOpener } from './stores.ts';
import { VM_BIN, VictoriaMetrics } from './victoria-metrics.ts';

const env = (name: string, dflt: number): number => Number(process.env[name] ?? dflt);
const NODES = env('BENCH_NODES', 2);
const SECONDS = env('BENCH_SECONDS', 3600);
const WINDOW_S = env('BENCH_WINDOW_S', 240);
const REPEATS = env('BENCH_REPEATS', 3);
const TAIL_MS = env('BENCH_TAIL_MS', 2000);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'storage,ingest,control').split(','));
const RESULTS = join(import.meta.dirname, 'results.json');

const temp = mkdtempSync(join(tmpdir(), 'runlens-storage-bench-'));
let clickhouse: TestServer | null = null;

async function cleanup(): Promise<void> {
  await VictoriaMetrics.stopAll();
  if (clickhouse) {
    await clickhouse.stop({ kill: true }).catch((e: unknown) => progress(`ClickHouse 18.16 stop failed: ${String(e)}`));
    rmSync(clickhouse.dir, { recursive: true, force: true });
    clickhouse = null;
  }
  rmSync(temp, { recursive: true, force: true });
}

function peers(): Record<string, string> {
  ensureDebianPackage('victoria-metrics', VM_BIN);
  ensureDebianPackage('prometheus', PROMTOOL);
  return {
    'victoria-metrics': versionOf('dpkg-query', ['-W', '-f', '${Version}', 'victoria-metrics']),
    prometheus: versionOf('/usr/bin/prometheus'),
    promtool: versionOf(PROMTOOL),
  };
}

function summary(p: Payloads): Record<string, unknown> {
  const { arrow: _a, vm: _v, ...rest } = p;
  return { ...rest, requests_per_store: p.arrow.length };
}

async function ingestRepeats(open: StoreOpener, p: Payloads): Promise<IngestRun[]> {
  const runs: IngestRun[] = [];
  const order = ['chdb', 'clickhouse', 'victoria-metrics'] as const;
  for (let r = 0; r < REPEATS; r++) {
    for (let i = 0; i < order.length; i++) {
      const s = order[(i + r) % order.length] ?? 'chdb';
      progress(`ingest repeat ${r + 1}/${REPEATS}: ${s}`);
      const run = s === 'victoria-metrics' ? await ingestVictoria(p, temp, r, TAIL_MS) : await ingestRunlens(s, open, p, r, TAIL_MS);
      progress(`  ${s}: ${Math.round(run.samples / run.wall_s)} samples/s wall, client ${run.client_cpu_s.toFixed(2)} CPU-s, server ${run.server_cpu_s?.toFixed(2) ?? 'n/a'} CPU-s`);
      runs.push(run);
    }
  }
  return runs;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const versions = peers();
  clickhouse = await startClickHouse();
  const http = new ClickHouseHttp(clickhouse.url, clickhouse.dir);
  versions.clickhouse = (await http.sql('SELECT version()')).trim();
  progress(`versions ${JSON.stringify(versions)}`);
  const open = storeOpener(join(temp, 'chdb'), http);
  const rec = loadRecording();
  const opts: DatasetOptions = { nodes: NODES, seconds: SECONDS, windowS: WINDOW_S, baseTs: defaultBaseTs(), nodesPerJob: 2 };
  mkdirSync(join(temp, 'replay'));
  progress(`replayed data: ${NODES} nodes × ${SECONDS} s, windows of ${WINDOW_S} s; building payloads`);
  let payloads: Payloads | null = buildPayloads(rec, opts, join(temp, 'replay'));
  progress(`  ${payloads.rows.process_samples} process rows, ${payloads.rows.node_samples} node rows, ${payloads.samples.process_samples + payloads.samples.node_samples} samples`);
  const out: Record<string, unknown> = { config: { NODES, SECONDS, WINDOW_S, REPEATS, TAIL_MS, cores: availableParallelism(), base_ts: opts.baseTs }, versions, replay: summary(payloads) };
  const markdown: string[] = [];
  const save = (): void => writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  if (PARTS.has('storage')) {
    const storage = await measureStorage(payloads, temp, open, 'replay');
    out.storage_replay = storage;
    markdown.push(`### Bytes on disk: replayed hour (${NODES} nodes × ${SECONDS} s, one-minute recording looped)\n\n${storageTable(storage.bytes)}\n\n${promtoolLine(storage.bytes)}`);
    markdown.push(`### chDB layouts, replayed hour, process_samples\n\n${layoutTable(storage.layouts, payloads.samples.process_samples)}`);
    save();
  }
  if (PARTS.has('ingest')) {
    const runs = await ingestRepeats(open, payloads);
    out.ingest = runs;
    markdown.push(`### Ingest: same payloads, medians of ${REPEATS}\n\n${ingestTable(runs, payloads)}`);
    save();
  }
  payloads = null;
  if (PARTS.has('control') && existsSync(IDLE_RECORDING)) {
    const idle = loadRecording(IDLE_RECORDING);
    mkdirSync(join(temp, 'control'));
    const copts: DatasetOptions = { ...opts, nodes: 1, seconds: idle.seconds };
    progress(`control: the ${idle.seconds}-s idle recording once, 1 node, no repetition`);
    const cp = buildPayloads(idle, copts, join(temp, 'control'));
    const control = await measureStorage(cp, temp, open, 'control');
    out.control = { replay: summary(cp), storage: control };
    markdown.push(`### Bytes on disk: control, ${idle.seconds} s real recording played once (1 node, no repetition)\n\n${storageTable(control.bytes)}`);
    markdown.push(`### chDB layouts, control, process_samples\n\n${layoutTable(control.layouts, cp.samples.process_samples)}`);
  }
  out.wall_s = (performance.now() - t0) / 1000;
  save();
  process.stdout.write(`${markdown.join('\n\n')}\n`);
  progress(`done in ${(out.wall_s as number).toFixed(0)} s; ${RESULTS}`);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void cleanup().finally(() => process.exit(130)); });
try {
  await main();
} catch (e) {
  progress(`failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
