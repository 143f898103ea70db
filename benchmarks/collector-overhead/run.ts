/**
 * Collector overhead: the RunLens node agent beside Debian's process-exporter, node-exporter,
 * collectd and netdata's apps.plugin, each at 1 Hz on the same idle process population; then
 * the slowdown of a fixed 2-thread CPU job beside each. See README.md for question and method.
 */
import { startKafka } from '@runlens/pipeline/testing/servers';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackage, versionOf } from '../lib/debian.ts';
import { type Config, parseConfig } from './config.ts';
import { STRESS_NG, jobArgs, killAllJobs } from './cpu-job.ts';
import { type Failure, errorText, log } from './harness.ts';
import { killAllLoads } from './load.ts';
import { runLevel } from './overhead.ts';
import { killAllPeers } from './peers/child.ts';
import type { AgentName } from './peers/peer.ts';
import { PEERS } from './peers/registry.ts';
import { type RunRecord, markdown, ratios, summarise } from './report.ts';
import { slowdownMarkdown, summariseSlowdown } from './slowdown-report.ts';
import { type SlowdownRecord, runSlowdown } from './slowdown.ts';

interface State {
  readonly cfg: Config;
  readonly agents: AgentName[];
  readonly runs: RunRecord[];
  readonly slowdown: SlowdownRecord[];
  readonly failures: Failure[];
  readonly versions: Record<string, string>;
}

function killEverything(): void {
  killAllJobs();
  killAllPeers();
  killAllLoads();
}

/** Installs what is missing; a peer that cannot be installed is dropped from the run and recorded. */
function installPeers(state: State): void {
  for (const agent of [...state.agents]) {
    const def = PEERS[agent];
    try {
      if (def.debian) ensureDebianPackage(def.debian.pkg, def.debian.probe);
      state.versions[agent] = def.version();
    } catch (e) {
      state.failures.push({ phase: 'install', agent, target_processes: null, repeat: null, error: errorText(e) });
      log(`ERROR ${agent}: cannot install ${def.debian?.pkg ?? ''}: ${errorText(e)}; it is left out of this run`);
      state.agents.splice(state.agents.indexOf(agent), 1);
    }
  }
  if (state.cfg.BENCH_SLOWDOWN_REPEATS > 0) {
    ensureDebianPackage('stress-ng', STRESS_NG);
    state.versions.stress_ng = versionOf(STRESS_NG, ['--version']);
  }
}

function writeResults(s: State): void {
  const summaries = summarise(s.runs);
  const results = {
    question: 'CPU per process-sample and RSS at 1 Hz, RunLens node agent vs four Debian peers; slowdown of a 2-thread CPU job beside each',
    date: new Date().toISOString(), host: hostname(), cpus: cpus().length, node: process.version, config: s.cfg,
    agents: Object.fromEntries(s.agents.map((a) => [a, { scope: PEERS[a].scope, ticks: PEERS[a].ticks, version: s.versions[a], settings: PEERS[a].settings() }])),
    slowdown_job: { bin: STRESS_NG, version: s.versions.stress_ng, args: jobArgs(s.cfg.BENCH_SLOWDOWN_CPU_OPS, s.cfg.BENCH_SLOWDOWN_CPU_METHOD) },
    summaries, ratios: ratios(summaries), slowdown_summaries: summariseSlowdown(s.slowdown),
    failures: s.failures, runs: s.runs, slowdown_runs: s.slowdown,
  };
  const path = join(import.meta.dirname, 'results.json');
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path}`);
}

function printTables(s: State): void {
  const summaries = summarise(s.runs);
  const nodeLevel = new Set(s.agents.filter((a) => PEERS[a].scope === 'node'));
  const parts = [markdown(summaries, ratios(summaries), nodeLevel)];
  if (s.slowdown.length > 0) parts.push(slowdownMarkdown(summariseSlowdown(s.slowdown)));
  if (s.failures.length > 0) parts.push(['Failures:', ...s.failures.map((f) => `- ${f.phase} ${f.agent}${f.target_processes ? ` N=${f.target_processes}` : ''}: ${f.error}`)].join('\n'));
  process.stdout.write(`${parts.join('\n\n')}\n`);
}

async function main(): Promise<void> {
  const cfg = parseConfig(process.env);
  process.on('exit', killEverything);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { killEverything(); process.exit(130); });
  const state: State = { cfg, agents: [...cfg.BENCH_AGENTS], runs: [], slowdown: [], failures: [], versions: {} };
  const t0 = performance.now();
  installPeers(state);
  log(`config ${JSON.stringify(cfg)}; versions ${JSON.stringify(state.versions)}`);
  const kafka = cfg.BENCH_BUS === 'kafka' ? await startKafka() : null;
  if (kafka) process.env.BENCH_AGENT_KAFKA = kafka.url; // the RunLens agent's children inherit it
  try {
    for (const n of cfg.BENCH_PROCESSES) {
      await runLevel(n, state.agents, cfg, state.runs, state.failures);
      writeResults(state); // after every level, so a later failure keeps what was measured
    }
    if (cfg.BENCH_SLOWDOWN_REPEATS > 0) {
      await runSlowdown(state.agents, cfg, state.slowdown, state.failures);
      writeResults(state);
    }
  } finally {
    killEverything();
    await kafka?.stop({ kill: true });
    if (kafka) rmSync(kafka.dir, { recursive: true, force: true });
  }
  printTables(state);
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${state.failures.length} failure(s)`);
  if (state.failures.length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  killEverything();
  process.stderr.write(`collector-overhead failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
