// How fast are the run page's and the ops page's queries on chDB for a 64-host × 1 h run?
// See README.md for the question, method and results.
import { openChdbStore } from '@runlens/pipeline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The measured code is the store's read repositories and the dashboard's shaping of them (pure: Store in, series out).
import { bucketMs, rowsToSeries } from '@runlens/analyzer/charts/series';
import { clusterHeatmap } from '@runlens/dashboard/server/views/ops';
import { processBuckets, rankTotals, resourceBuckets } from '@runlens/schemas';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3600);
const PROCS = Number(process.env.BENCH_PROCS_PER_HOST ?? 4);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 20);
// Recent, so the tables' TTL keeps it.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - (SECONDS + 600) * 1000;
const RUN = 'bench_run';

const hostExpr = `concat('node', leftPad(toString(intDiv(number, ${SECONDS * PROCS}) % ${HOSTS}), 3, '0'))`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-dash-'));
  const store = await openChdbStore({ path: dir, database: 'bench' });
  await store.migrate();
  const t = Date.now();
  // Synthetic 1 Hz samples, generated inside the engine: PROCS ranks per host, one run.
  await store.query(`INSERT INTO process_samples (ts, host, run_id, rank, pid, start_ticks, comm, state, interval_s,
      cpu_user_cores, cpu_sys_cores, rss_bytes, read_bytes_per_s, write_bytes_per_s)
    SELECT fromUnixTimestamp64Milli(toInt64(${T0} + (number % ${SECONDS}) * 1000)), ${hostExpr}, '${RUN}',
      toInt32(intDiv(number, ${SECONDS}) % ${HOSTS * PROCS}), toInt32(1000 + intDiv(number, ${SECONDS}) % ${PROCS}), 1, 'solver', 'R', 1.0,
      0.8 + 0.2 * sin(number / 97), 0.05, toUInt64(2e9 + 1e6 * (number % 600)), 1e6 * (number % 7), 2e6 * (number % 5)
    FROM numbers(${HOSTS * PROCS * SECONDS})`);
  await store.query(`INSERT INTO node_samples (ts, host, interval_s, cpu_user_cores, cpu_system_cores, cpu_idle_cores, online_cpus,
      mem_total_bytes, mem_available_bytes, load1)
    SELECT fromUnixTimestamp64Milli(toInt64(${T0} + (number % ${SECONDS}) * 1000)), concat('node', leftPad(toString(intDiv(number, ${SECONDS})), 3, '0')),
      1.0, 3.2 + sin(number / 50), 0.2, 0.6, 4, 256e9, 200e9 - 1e6 * (number % 100), 4.1
    FROM numbers(${HOSTS * SECONDS})`);
  const loadS = (Date.now() - t) / 1000;
  const counts = await store.query<{ p: string; n: string }>('SELECT (SELECT count() FROM process_samples) AS p, (SELECT count() FROM node_samples) AS n');
  process.stderr.write(`loaded ${JSON.stringify(counts[0])} in ${loadS.toFixed(1)} s\n`);
  if (Number(counts[0]?.p) !== HOSTS * PROCS * SECONDS) throw new Error('process_samples did not load');
  const hosts = Array.from({ length: HOSTS }, (_, i) => `node${String(i).padStart(3, '0')}`);
  const scope = { run_id: RUN, hosts, start_ms: T0, end_ms: T0 + SECONDS * 1000 };
  const bucket = bucketMs(SECONDS * 1000);
  const cases: Record<string, () => Promise<number>> = {
    cpu_timeline: async () => points(rowsToSeries(await resourceBuckets(store, 'cpu', scope, bucket))),
    memory_timeline: async () => points(rowsToSeries(await resourceBuckets(store, 'memory', scope, bucket))),
    io_timeline: async () => points(rowsToSeries(await resourceBuckets(store, 'io', scope, bucket))),
    process_timelines_one_scan: async () => { const p = await processBuckets(store, scope, bucket); return points(rowsToSeries(p.cpu)) + points(rowsToSeries(p.memory)) + points(rowsToSeries(p.io)); },
    per_rank_totals: async () => (await rankTotals(store, RUN)).length,
    ops_cluster_heatmap: async () => points((await clusterHeatmap(store, 'cpu_busy', T0, T0 + SECONDS * 1000)).series),
  };
  const results: { name: string; p50_ms: number; p95_ms: number; output: number }[] = [];
  for (const [name, fn] of Object.entries(cases)) {
    await fn(); // warm-up: first touch of the parts
    const ms: number[] = [];
    let out = 0;
    for (let i = 0; i < REPEATS; i += 1) {
      const s = performance.now();
      out = await fn();
      ms.push(performance.now() - s);
    }
    ms.sort((a, b) => a - b);
    results.push({ name, p50_ms: pct(ms, 0.5), p95_ms: pct(ms, 0.95), output: out });
    process.stderr.write(`${name}: p50 ${pct(ms, 0.5).toFixed(1)} ms\n`);
  }
  const runPage = ['process_timelines_one_scan', 'per_rank_totals'].reduce((s, n) => s + (results.find((r) => r.name === n)?.p50_ms ?? 0), 0);
  writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify({ hosts: HOSTS, seconds: SECONDS, procs_per_host: PROCS, repeats: REPEATS, bucket_ms: bucket, load_s: loadS, results, run_page_sum_p50_ms: runPage }, null, 2));
  process.stdout.write(`| query | p50 ms | p95 ms | output |\n|---|---:|---:|---:|\n${results.map((r) => `| ${r.name} | ${r.p50_ms.toFixed(1)} | ${r.p95_ms.toFixed(1)} | ${r.output} |`).join('\n')}\n`);
  process.stdout.write(`\nrows: ${HOSTS * PROCS * SECONDS} process, ${HOSTS * SECONDS} node; generated in ${loadS.toFixed(1)} s; run page (process timelines in one scan + per-rank totals, p50 sum) ${runPage.toFixed(0)} ms\n`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

const points = (series: readonly { points: readonly unknown[] }[]): number => series.reduce((s, x) => s + x.points.length, 0);
const pct = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

await main();
