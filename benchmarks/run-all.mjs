// `npm run bench`: every benchmark folder in turn, each printing its own table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const loader = join(process.cwd(), 'node_modules/tsx/dist/loader.mjs');
const BENCHES = [
  // 5 agents × 2 levels × 2 repeats of 8 + 10 s, then 6 conditions × 2 runs of a ~6 s job: ≈ 8 min on 2 cores
  // (the README's table: 15 s windows, 3 slowdown runs).
  { name: 'collector-overhead', env: { BENCH_DURATION_S: '10', BENCH_WARMUP_S: '8', BENCH_REPEATS: '2', BENCH_PROCESSES: '1000,3000', BENCH_SLOWDOWN_REPEATS: '2', BENCH_SLOWDOWN_PROCESSES: '1000', BENCH_SLOWDOWN_CPU_OPS: '18000' } },
  // 1 repeat of 300 k rows per store, 10k-row format comparison only (the README's table uses 3 × 1 M).
  { name: 'ingest', env: { BENCH_REPEATS: '1', BENCH_MESSAGES: '600', BENCH_BATCHES: '10000' } },
  { name: 'analyzer', env: {}, node: ['--expose-gc'] },
  { name: 'scenarios', env: {} },
  { name: 'dashboard', env: {} },
  { name: 'latency', env: { LATENCY_FAULTS: '5', LATENCY_PROM_DEFAULT_FAULTS: '3' } },
  { name: 'storage', env: { BENCH_NODES: '2', BENCH_WINDOW_S: '240', BENCH_REPEATS: '2' } },
  { name: 'scale', env: { BENCH_NODES: '256', BENCH_SECONDS: '30' } },
];
let failed = 0;
const started = Date.now();
const timings = [];
for (const b of BENCHES) {
  const entry = join('benchmarks', b.name, 'run.ts');
  if (!existsSync(entry)) {
    console.error(`bench ${b.name}: no ${entry}, skipped`);
    continue;
  }
  console.error(`\n=== ${b.name} (${((Date.now() - started) / 60_000).toFixed(1)} min into the run) ===`);
  const t0 = Date.now();
  const r = spawnSync('node', [...(b.node ?? []), '--import', loader, entry], { stdio: 'inherit', env: { ...process.env, ...b.env } });
  if (r.status !== 0) failed++;
  timings.push(`${b.name} ${((Date.now() - t0) / 1000).toFixed(0)} s${r.status === 0 ? '' : ` (failed, exit ${r.status})`}`);
}
console.error(`\nbench: ${timings.join(', ')}; total ${((Date.now() - started) / 60_000).toFixed(1)} min, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
