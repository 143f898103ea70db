/**
 * Collector overhead: RunLens node agent vs Debian's prometheus-process-exporter, side by side
 * on the same idle process population. See README.md for the question and the method.
 */
import { writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { EXPORTER_FLAGS, type RunningAgent, ensureExporterInstalled, exporterVersion, startExporter, startRunlens } from './agents.ts';
import { killAllLoads, startLoad } from './load.ts';
import { liveProcesses, measureWindow } from './proc-meter.ts';
import { type AgentName, type RunRecord, markdown, ratios, summarise } from './report.ts';

const Config = z.object({
  BENCH_DURATION_S: z.coerce.number().int().min(5).default(30),
  BENCH_REPEATS: z.coerce.number().int().min(1).default(3),
  BENCH_WARMUP_S: z.coerce.number().int().min(0).default(5),
  BENCH_PROCESSES: z.string().default('100,1000,3000')
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .pipe(z.array(z.number().int().positive()).min(1)),
  /** When set, the RunLens agent also runs with --cpu-prof into this directory. */
  BENCH_CPU_PROF_DIR: z.string().optional(),
});
type Config = z.infer<typeof Config>;

const log = (line: string): void => void process.stderr.write(`[collector-overhead] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function parseConfig(): Config {
  const parsed = Config.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`bad benchmark config: ${problems}`);
  }
  return parsed.data;
}

async function start(agent: AgentName, cfg: Config): Promise<RunningAgent> {
  if (agent === 'process_exporter') return startExporter();
  const prof = cfg.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${cfg.BENCH_CPU_PROF_DIR}`] : [];
  return startRunlens(cfg.BENCH_WARMUP_S + cfg.BENCH_DURATION_S + 60, prof);
}

async function waitForDrop(below: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (liveProcesses() > below && Date.now() < deadline) await sleep(200);
}

async function runLevel(n: number, cfg: Config, out: RunRecord[]): Promise<void> {
  const before = liveProcesses();
  const load = await startLoad(n);
  log(`N=${n}: ${load.sleepers} sleepers added to ${before} processes, now ${liveProcesses()}`);
  try {
    for (let repeat = 0; repeat < cfg.BENCH_REPEATS; repeat++) {
      const order: AgentName[] = repeat % 2 === 0 ? ['runlens', 'process_exporter'] : ['process_exporter', 'runlens'];
      for (const [i, agent] of order.entries()) {
        const running = await start(agent, cfg);
        let w;
        try {
          w = await measureWindow(running, cfg.BENCH_WARMUP_S, cfg.BENCH_DURATION_S);
        } finally {
          await running.stop();
        }
        out.push({ ...w, target_processes: n, repeat, order: i, agent });
        log(`N=${n} repeat ${repeat + 1}/${cfg.BENCH_REPEATS} ${agent}: cpu ${w.cpu_s.toFixed(2)} s over ${w.ticks} ticks, `
          + `${w.cpu_us_per_process_sample.toFixed(2)} µs/process-sample, rss ${(w.rss_median_bytes / 2 ** 20).toFixed(1)} MiB, `
          + `hwm ${(w.hwm_bytes / 2 ** 20).toFixed(1)} MiB, live ${w.live_processes}`);
      }
    }
  } finally {
    load.kill();
    await waitForDrop(before + 5);
  }
}

async function main(): Promise<void> {
  const cfg = parseConfig();
  process.on('exit', killAllLoads);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { killAllLoads(); process.exit(130); });
  ensureExporterInstalled(log);
  const version = exporterVersion();
  log(`config ${JSON.stringify(cfg)}; ${version}; flags ${EXPORTER_FLAGS.join(' ')}`);
  const runs: RunRecord[] = [];
  try {
    for (const n of cfg.BENCH_PROCESSES) {
      await runLevel(n, cfg, runs);
      writeResults(runs, cfg, version); // after every level, so a later failure keeps what was measured
    }
  } finally {
    killAllLoads();
  }
  const summaries = summarise(runs);
  process.stdout.write(`${markdown(summaries, ratios(summaries))}\n`);
}

function writeResults(runs: readonly RunRecord[], cfg: Config, version: string): void {
  const summaries = summarise(runs);
  const rs = ratios(summaries);
  const results = {
    question: 'CPU per process-sample and RSS: RunLens node agent vs prometheus-process-exporter at 1 Hz',
    date: new Date().toISOString(), host: hostname(), cpus: cpus().length, node: process.version,
    exporter: { version, flags: EXPORTER_FLAGS }, config: cfg, summaries, ratios: rs, runs,
  };
  const path = join(import.meta.dirname, 'results.json');
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path}`);
}

main().catch((e: unknown) => {
  killAllLoads();
  process.stderr.write(`collector-overhead failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
