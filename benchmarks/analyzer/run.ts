/**
 * Analyzer cost: CPU per ingested sample row and memory per tracked run, through the real
 * path (Arrow batches on the memory bus → AnalyzerService → detectors at every tick complete on
 * the run's hosts, the default since 2026-12-05; before, every 5 ticks).
 *   node --expose-gc --import ./node_modules/tsx/dist/loader.mjs benchmarks/analyzer/run.ts
 * Env: BENCH_RUNS (default 8,32,128), BENCH_PROCS_PER_RUN (8), BENCH_HOSTS_PER_RUN (1, `run` shape), BENCH_TICKS (120, measured after BENCH_WARMUP_TICKS, 660: the
 * steady state, the code compiled and each run's full-resolution history (FINE_MS, 10 minutes) full, so the heap
 * holds what a long-running analyzer holds; the first ticks are reported apart as cold), BENCH_NODE_ROWS (0), BENCH_HOST_RUNS (1), BENCH_SHAPE:
 * `run` (default: one message per run per tick, all rows of one run) or `host` (as agents send:
 * one message per host per tick with its runs' processes and BENCH_BG_PROCS (8) processes outside
 * any run, which the router splits by run).
 */
import { ANALYZE_GROUP, AnalyzerService, ROUTE_GROUP, STALE_RUN_MS } from '@runlens/analyzer';
import { MemoryBus, type Store } from '@runlens/pipeline';
import { ANALYZER_RUNS_TOPIC, HOST_RUNS_HEADER, type Row, type WireMessage, encodeBatch, encodeMessage, groupBy, hostRunsHeader, silentLogger, topicFor } from '@runlens/schemas';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINE_MS } from '@runlens/analyzer/window/tick-series';
import { type Recording, loadRecording } from '../lib/recording.ts';
import { AllocSampling } from './alloc-sampling.ts';

/** The analyzer needs a store only at run end; live analysis never reads it. */
const noStore = { kind: 'chdb', query: async () => [], insertRows: async () => {}, insertArrow: async () => {} } as unknown as Store;

/** Hosts each run spans (BENCH_HOSTS_PER_RUN, `run` shape): its processes split evenly, one message per run and host per tick, as each host's agent sends its part. */
const HOSTS_PER_RUN = Number(process.env.BENCH_HOSTS_PER_RUN ?? '1');
const PROCS_PER_RUN = Number(process.env.BENCH_PROCS_PER_RUN ?? '8');

function row(run: number, pid: number, ts: number): Row<'process_samples'> {
  const busy = (pid + run) % 3 === 0;
  return {
    ts, host: `h${(run + Math.floor((pid * HOSTS_PER_RUN) / PROCS_PER_RUN)) % 16}`, run_id: `bench-${run}`, rank: pid, local_rank: pid, pid: 1000 + run * 100 + pid, ppid: 1, start_ticks: 1, comm: 'solver',
    state: busy ? 'R' : 'S', interval_s: 1, cpu_user_cores: busy ? 0.95 : 0.1, cpu_sys_cores: 0.02, run_delay_cores: 0.01,
    rss_bytes: 2e8 + ts % 1000, hwm_bytes: 2e8, vm_bytes: 1e9, threads: 1, busy_threads: null, read_bytes_per_s: 0, write_bytes_per_s: 1e5, rchar_per_s: 1e5,
    wchar_per_s: 1e5, syscr_per_s: 10, syscw_per_s: 10, vol_ctxsw_per_s: 10, invol_ctxsw_per_s: 1, minflt_per_s: 0, majflt_per_s: 0, last_cpu: 0,
  };
}

const HOSTS = 16;

function background(host: number, i: number, ts: number): Row<'process_samples'> {
  return { ...row(host, i, ts), run_id: '', rank: null, local_rank: null, pid: 100 + i, comm: 'sshd', cpu_user_cores: 0.01 };
}

/** The messages of one tick: per run, or per host as an agent sends them (runs r with r % HOSTS === h on host h). */
function tickMessages(shape: string, runs: number, procs: number, bg: number, ts: number): { host: string; rows: Row<'process_samples'>[] }[] {
  const ofRun = (r: number): Row<'process_samples'>[] => Array.from({ length: procs }, (_, p) => row(r, p, ts));
  if (shape !== 'host') return Array.from({ length: runs }, (_, r) => [...groupBy(ofRun(r), (x) => x.host)].map(([host, rows]) => ({ host, rows }))).flat();
  return Array.from({ length: Math.min(HOSTS, runs) }, (_, h) => {
    const rows = Array.from({ length: bg }, (_, i) => background(h, i, ts));
    for (let r = h; r < runs; r += HOSTS) rows.push(...ofRun(r));
    return { host: `h${h}`, rows };
  });
}

/**
 * With BENCH_NODE_ROWS=1 in the `host` shape: each host's node row per tick, as its agent sends it
 * (the real recording's node rows, renamed), which the router forwards to the host topic and every
 * replica reads. Off by default, so the shape stays comparable with earlier rounds.
 */
function nodeMessages(shape: string, runs: number, ts: number, t: number): WireMessage[] {
  if (shape !== 'host' || process.env.BENCH_NODE_ROWS !== '1') return [];
  const ticks = recording().ticks;
  return Array.from({ length: Math.min(HOSTS, runs) }, (_, h) => {
    const node = ticks[(t + h * 7) % ticks.length]?.node[0];
    if (!node) throw new Error('the recording has no node rows');
    const m = encodeMessage('node_samples', [{ ...node, host: `h${h}`, ts }], { agentId: `h${h}`, seq: t }, `h${h}`);
    // As agents do since 2026-12-06: the runs on the host at the tick (BENCH_HOST_RUNS=0 leaves it out).
    const runsOnHost = Array.from({ length: Math.ceil((runs - h) / HOSTS) }, (_, i) => `bench-${h + i * HOSTS}`);
    const named = process.env.BENCH_HOST_RUNS === '0' ? undefined : hostRunsHeader(runsOnHost);
    return named === undefined ? m : { ...m, headers: { ...m.headers, [HOST_RUNS_HEADER]: named } };
  });
}

let rec: Recording | undefined;
const recording = (): Recording => (rec ??= loadRecording());

async function measure(runs: number, procs: number, ticks: number, warm: number): Promise<Record<string, number | string>> {
  // What the analyzer publishes (findings, copies for a later owner) has no consumer here; in a
  // deployment it goes to Kafka and ingest. Held in this process up to the bus's default retention
  // (100,000 messages per partition) it was ~100 MB of message buffers and 40,000 objects that the
  // analyzer's collector walked (until 2026-12-07). Inputs are drained every tick, far below this.
  const bus = new MemoryBus(4, 2_000);
  // The ticks are stamped up to (warm + ticks) s in the past and sent faster than real time: with
  // the default stale time (10 minutes by the wall clock) every run was closed at each of its first
  // ~180 ticks and reopened as late data, so the measured runs were after-end states with less
  // history (until 2026-12-07 night).
  const analyzer = new AnalyzerService({ bus, store: noStore, log: silentLogger, agentId: 'bench', staleMs: (warm + ticks) * 1000 + STALE_RUN_MS });
  await analyzer.start();
  const producer = bus.producer();
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let cpu0 = process.cpuUsage();
  const t0 = Date.now() - (warm + ticks) * 1000;
  const shape = process.env.BENCH_SHAPE ?? 'run';
  const bg = Number(process.env.BENCH_BG_PROCS ?? '8');
  let rows = 0;
  // The first `warm` ticks (the window filling, the code compiling) are measured apart: a long-running analyzer is past them.
  let cold: { cpu: NodeJS.CpuUsage; rows: number } | null = null;
  // BENCH_ALLOC=1: the bytes allocated over the measured ticks too (alloc-sampling.ts; it costs a little CPU).
  const alloc = process.env.BENCH_ALLOC === '1' ? new AllocSampling() : null;
  for (let t = 0; t < warm + ticks; t++) {
    if (t === warm && warm > 0) {
      cold = { cpu: process.cpuUsage(cpu0), rows };
      rows = 0;
      cpu0 = process.cpuUsage();
    }
    if (t === warm) alloc?.start();
    const batch = [];
    for (const m of tickMessages(shape, runs, procs, bg, t0 + t * 1000)) {
      rows += m.rows.length;
      batch.push(encodeMessage('process_samples', m.rows, { agentId: 'b', seq: t }, m.host));
    }
    if (process.env.BENCH_FETCH === '1') await producer.send(topicFor('process_samples'), batch);
    else for (const b of batch) await producer.send(topicFor('process_samples'), [b]);
    for (const n of nodeMessages(shape, runs, t0 + t * 1000, t)) {
      rows += 1;
      await producer.send(topicFor('node_samples'), [n]);
    }
    // Both stages drained: the router on the sample topic, the run owner on the run-keyed topic.
    while ((await bus.lag(ROUTE_GROUP, [topicFor('process_samples')])) + (await bus.lag(ANALYZE_GROUP, [ANALYZER_RUNS_TOPIC])) > 0) await new Promise((res) => setImmediate(res));
    await analyzer.drained();
  }
  const cpu = process.cpuUsage(cpu0);
  const allocated = alloc ? await alloc.stop() : null;
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed - heap0;
  await analyzer.stop();
  await bus.close();
  // Encoding the input is the agents' work, not the analyzer's: measured separately (per row) and subtracted.
  const enc0 = process.cpuUsage();
  for (let t = 0; t < ticks; t++) {
    for (const m of tickMessages(shape, runs, procs, bg, t0)) encodeBatch('process_samples', m.rows);
    nodeMessages(shape, runs, t0, t);
  }
  const encPerRow = cpuUs(process.cpuUsage(enc0)) / rows;
  const perRow = (c: NodeJS.CpuUsage, n: number): number => (cpuUs(c) - encPerRow * n) / n;
  return {
    runs, procs_per_run: procs, ...(HOSTS_PER_RUN > 1 ? { hosts_per_run: HOSTS_PER_RUN } : {}), ticks, warmup_ticks: warm, rows, shape, cpu_us_per_row: perRow(cpu, rows),
    ...(cold ? { cold_rows: cold.rows, cold_cpu_us_per_row: perRow(cold.cpu, cold.rows) } : {}), heap_mib_per_run: heap / runs / 1048576,
    ...(allocated === null ? {} : { alloc_kib_per_row: allocated / rows / 1024 }),
  };
}

const cpuUs = (c: NodeJS.CpuUsage): number => c.user + c.system;

async function main(): Promise<void> {
  const levels = (process.env.BENCH_RUNS ?? '8,32,128').split(',').map(Number);
  const procs = Number(process.env.BENCH_PROCS_PER_RUN ?? '8');
  const ticks = Number(process.env.BENCH_TICKS ?? '120');
  const warm = Number(process.env.BENCH_WARMUP_TICKS ?? String(FINE_MS / 1000 + 60));
  const results = [];
  for (const runs of levels) {
    process.stderr.write(`measuring ${runs} runs × ${procs} processes × ${ticks} ticks after ${warm} ...\n`);
    results.push(await measure(runs, procs, ticks, warm));
  }
  const cold = (r: Record<string, number | string>): string => (r.cold_cpu_us_per_row === undefined ? '-' : Number(r.cold_cpu_us_per_row).toFixed(1));
  const kib = (r: Record<string, number | string>): string => (r.alloc_kib_per_row === undefined ? '-' : Number(r.alloc_kib_per_row).toFixed(2));
  const table = [`| runs tracked | rows | analyzer CPU µs / row | the first ${warm} ticks (cold) | heap MiB / run | allocated KiB / row |`, '|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.runs} | ${r.rows} | ${Number(r.cpu_us_per_row).toFixed(1)} | ${cold(r)} | ${Number(r.heap_mib_per_run).toFixed(2)} | ${kib(r)} |`)].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(join(import.meta.dirname, 'results.json'), JSON.stringify(results, null, 2));
}

main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(String(e)); process.exit(1); });
