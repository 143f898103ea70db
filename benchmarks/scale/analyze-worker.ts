// One `runlens analyze` replica (production wiring, a child process) draining a replayed backlog.
import { ROUTE_GROUP } from '@runlens/analyzer';
import { openKafkaBus } from '@runlens/pipeline';
import { topicFor } from '@runlens/schemas';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
}

function rssMib(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** From "analyze started" until the analyzer's group has no lag on the replayed topics. */
export async function runAnalyzeWorker(brokers: string, storeEnv: Record<string, string>, timeoutS: number, progress: (m: string) => void, cpuProfDir?: string): Promise<AnalyzeRun> {
  const admin = await openKafkaBus({ brokers: brokers.split(','), clientId: 'scale-bench-analyze-lag' });
  // --cpu-prof is refused in NODE_OPTIONS: the compiled main.js (rebuilt if stale by `runlens --version`) with the flag.
  if (cpuProfDir) execFileSync(RUNLENS, ['--version']);
  const [cmd, args] = cpuProfDir ? [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, join(RUNLENS, '..', '..', 'dist', 'current', 'main.js'), 'analyze']] : [RUNLENS, ['analyze']];
  const child = spawn(cmd, args, { env: { ...process.env, ...storeEnv, RUNLENS_KAFKA_BROKERS: brokers, RUNLENS_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = collectJsonLines(child.stderr);
  const topics = REPLAY_TABLES.map(topicFor);
  try {
    for (const deadline = Date.now() + 120_000; !lines.some((l) => l.msg === 'analyze started'); await sleep(50)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`analyze did not start; log: ${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    }
    const pid = child.pid ?? 0;
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    let lastLog = t0;
    // The analyzer's own warnings (a consumer that lost its group, slices it shrank) say why a drain
    // stalls: run E's stalled for minutes, each slice outliving the group's session on a loaded machine.
    const tail = (): string => lines.filter((l) => l.level !== 'debug').slice(-20).map((l) => JSON.stringify(l)).join('\n');
    for (let lag = await admin.lag(ANALYZE_GROUP, topics); lag > 0; lag = await admin.lag(ANALYZE_GROUP, topics)) {
      if (performance.now() - lastLog > 5000) { progress(`  analyze: lag ${lag} messages`); lastLog = performance.now(); }
      if (performance.now() - t0 > timeoutS * 1000) throw new Error(`analyze: lag ${lag} after ${timeoutS} s; its log ends:\n${tail()}`);
      if (child.exitCode !== null) throw new Error(`analyze exited ${child.exitCode}; its log ends:\n${tail()}`);
      await sleep(100);
    }
    const shrunk = lines.filter((l) => String(l.msg).startsWith('consumer blocked its event loop')).length;
    if (shrunk > 0) progress(`  analyze: its consumers shrank their slices ${shrunk} times (event loop blocked past a third of the session timeout)`);
    const routed_wall_s = (performance.now() - t0) / 1000;
    const routed_cpu_s = cpuSeconds(pid) - cpu0;
    const idleAt = await idle(pid);
    const wall_s = (idleAt - t0) / 1000;
    const cpu_s = cpuSeconds(pid) - cpu0;
    const peak = rssMib(pid);
    const closed = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await closed;
    const stopped = lines.find((l) => l.msg === 'analyze stopped');
    return { wall_s, cpu_s, routed_wall_s, routed_cpu_s, samples: Number(stopped?.samples ?? Number.NaN), peak_rss_mib: peak };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await admin.close();
  }
}

/** When the process last used CPU, once it has used under 5% of a core for two 1-second windows in a row (at most 120 s). */
async function idle(pid: number): Promise<number> {
  let quiet = 0;
  let busyUntil = performance.now();
  for (const deadline = performance.now() + 120_000; quiet < 2 && performance.now() < deadline;) {
    const before = cpuSeconds(pid);
    await sleep(1000);
    if (cpuSeconds(pid) - before < 0.05) quiet++;
    else [quiet, busyUntil] = [0, performance.now()];
  }
  return busyUntil;
}
