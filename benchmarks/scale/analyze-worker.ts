// `runlens analyze` replicas (production wiring, child processes) draining a replayed backlog.
import { ROUTE_GROUP } from '@runlens/analyzer';
import { openKafkaBus } from '@runlens/pipeline';
import { topicFor } from '@runlens/schemas';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, sleep } from '../ingest/proc.ts';
import { collectJsonLines } from '../lib/json-log.ts';
import { REPLAY_TABLES } from './generator.ts';

const RUNLENS = join(import.meta.dirname, '..', '..', 'bin', 'runlens');
/**
 * The analyzer's first stage reads the sample topics (analyzer/src/stream/run-router.ts); its
 * second stage holds its commits at open runs, so its lag never reaches 0. The drain is timed in
 * two steps: the router's group has no lag on the sample topics, then the process goes idle
 * (the second stage has applied and evaluated what the router forwarded).
 */
const ANALYZE_GROUP = ROUTE_GROUP;

export interface AnalyzeOptions {
  /** The Kafka bootstrap list, comma-separated. */
  readonly brokers: string;
  /** Each replica's store settings (its own chDB). */
  readonly storeEnv: (replica: number) => Record<string, string>;
  readonly timeoutS: number;
  readonly progress: (m: string) => void;
  readonly cpuProfDir?: string | undefined;
  readonly replicas?: number;
  /** The brokers' CPU seconds so far, read at the window's ends (as ingest's window reads them). */
  readonly brokerCpu?: () => number;
}

export interface AnalyzeRun {
  /** From "analyze started" until the process went idle after the router's drain. */
  readonly wall_s: number;
  readonly cpu_s: number;
  /** Until the router's group had no lag: the first stage's share of the wall and CPU. */
  readonly routed_wall_s: number;
  readonly routed_cpu_s: number;
  /** Rows the analyzer consumed, from its own stop line. */
  readonly samples: number;
  readonly peak_rss_mib: number;
  /**
   * The brokers' CPU and wall over the same window as `cpu_s` (from "analyze started" until the
   * process went idle): the replicas' start-up, group joins and shut-down are not per message.
   */
  readonly broker: { readonly cpu_s: number; readonly wall_s: number };
  /** Replicas that drained it together (one window): CPU and samples are theirs summed, RSS the largest. */
  readonly replicas: number;
}

function rssMib(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * From "analyze started" (of every replica) until the analyzer's group has no lag on the replayed
 * topics, then until the replicas are idle. With `replicas` > 1 they share the runs by partition
 * (each its own store), and the CPU is their sum: what the cluster pays, including what every
 * replica reads whoever owns the runs.
 */
export async function runAnalyzeWorker(o: AnalyzeOptions): Promise<AnalyzeRun> {
  const { brokers, storeEnv, timeoutS, progress, cpuProfDir, replicas = 1, brokerCpu = () => Number.NaN } = o;
  const admin = await openKafkaBus({ brokers: brokers.split(','), clientId: 'scale-bench-analyze-lag' });
  // --cpu-prof is refused in NODE_OPTIONS: the compiled main.js (rebuilt if stale by `runlens --version`) with the flag.
  if (cpuProfDir) execFileSync(RUNLENS, ['--version']);
  const [cmd, args] = cpuProfDir ? [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, join(RUNLENS, '..', '..', 'dist', 'current', 'main.js'), 'analyze']] : [RUNLENS, ['analyze']];
  const children = Array.from({ length: replicas }, (_, i) => spawn(cmd, args, { env: { ...process.env, ...storeEnv(i), RUNLENS_KAFKA_BROKERS: brokers, RUNLENS_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] }));
  const logs = children.map((c) => collectJsonLines(c.stderr));
  const topics = REPLAY_TABLES.map(topicFor);
  const pids = children.map((c) => c.pid ?? 0);
  const cpu = (): number => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  try {
    // Each replica's CPU counts from its own "analyze started" (its start-up is not analysis); the
    // first starts draining while the others still load, so the window opens at the first.
    const startCpu: (number | undefined)[] = children.map(() => undefined);
    let [t0, broker0] = [Number.NaN, Number.NaN];
    for (const deadline = Date.now() + 120_000; startCpu.some((c) => c === undefined); await sleep(50)) {
      if (children.some((c) => c.exitCode !== null) || Date.now() > deadline) throw new Error(`analyze did not start; log: ${logs.flat().map((l) => JSON.stringify(l)).join('\n')}`);
      for (const [i, lines] of logs.entries()) {
        if (startCpu[i] !== undefined || !lines.some((l) => l.msg === 'analyze started')) continue;
        startCpu[i] = cpuSeconds(pids[i] ?? 0);
        if (Number.isNaN(t0)) [t0, broker0] = [performance.now(), brokerCpu()];
      }
    }
    const cpu0 = startCpu.reduce<number>((sum, c) => sum + (c ?? 0), 0);
    let lastLog = t0;
    // The analyzer's own warnings (a consumer that lost its group, slices it shrank) say why a drain
    // stalls: run E's stalled for minutes, each slice outliving the group's session on a loaded machine.
    const tail = (): string => logs.flat().filter((l) => l.level !== 'debug').slice(-20).map((l) => JSON.stringify(l)).join('\n');
    for (let lag = await admin.lag(ANALYZE_GROUP, topics); lag > 0; lag = await admin.lag(ANALYZE_GROUP, topics)) {
      if (performance.now() - lastLog > 5000) { progress(`  analyze: lag ${lag} messages`); lastLog = performance.now(); }
      if (performance.now() - t0 > timeoutS * 1000) throw new Error(`analyze: lag ${lag} after ${timeoutS} s; its log ends:\n${tail()}`);
      const exited = children.find((c) => c.exitCode !== null);
      if (exited) throw new Error(`analyze exited ${exited.exitCode}; its log ends:\n${tail()}`);
      await sleep(100);
    }
    const shrunk = logs.flat().filter((l) => String(l.msg).startsWith('consumer blocked its event loop')).length;
    if (shrunk > 0) progress(`  analyze: its consumers shrank their slices ${shrunk} times (event loop blocked past a third of the session timeout)`);
    const routed_wall_s = (performance.now() - t0) / 1000;
    const routed_cpu_s = cpu() - cpu0;
    const busy = await idle(cpu, 0.05 * replicas, brokerCpu);
    const wall_s = (busy.at - t0) / 1000;
    const cpu_s = cpu() - cpu0;
    const broker = { cpu_s: busy.brokerCpu - broker0, wall_s };
    const peak = Math.max(...pids.map(rssMib));
    await Promise.all(children.map(async (c) => {
      const closed = new Promise((r) => c.once('close', r));
      c.kill('SIGTERM');
      await closed;
    }));
    const samples = logs.reduce((sum, lines) => sum + Number(lines.find((l) => l.msg === 'analyze stopped')?.samples ?? Number.NaN), 0);
    if (process.env.BENCH_ANALYZE_LOG) writeFileSync(process.env.BENCH_ANALYZE_LOG, logs.flat().map((l) => JSON.stringify(l)).join('\n'));
    return { wall_s, cpu_s, routed_wall_s, routed_cpu_s, samples, peak_rss_mib: peak, broker, replicas };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await admin.close();
  }
}

/**
 * When the processes last used CPU, once they have used under `quietCpuS` (5% of a core each) for
 * two 1-second windows in a row (at most 120 s), and the brokers' CPU read at that moment.
 */
async function idle(cpu: () => number, quietCpuS: number, brokerCpu: () => number): Promise<{ at: number; brokerCpu: number }> {
  let quiet = 0;
  let busy = { at: performance.now(), brokerCpu: brokerCpu() };
  for (const deadline = performance.now() + 120_000; quiet < 2 && performance.now() < deadline;) {
    const before = cpu();
    await sleep(1000);
    if (cpu() - before < quietCpuS) quiet++;
    else [quiet, busy] = [0, { at: performance.now(), brokerCpu: brokerCpu() }];
  }
  return busy;
}
