import { type Bus, openKafkaBus } from '@runlens/pipeline';
import { topicFor } from '@runlens/schemas';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectJsonLines } from '../lib/json-log.ts';
import { cpuSeconds, peakRssMiB, progress, settle, sleep, threadCpuDelta, threadCpuSeconds } from './proc.ts';
import type { OnePart } from './one-part.ts';
import { message } from './rows.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNLENS = join(ROOT, 'bin', 'runlens');
const TOPIC = topicFor('process_samples');

/** Publishes the whole data set once; every store and repeat re-reads it with a fresh group. */
export async function preload(bus: Bus, messages: number, rowsPerMessage: number, baseTs: number): Promise<void> {
  await bus.ensureTopics([TOPIC]);
  const p = bus.producer();
  const chunk = 50;
  for (let m = 0; m < messages; m += chunk) {
    const batch = [];
    for (let i = m; i < Math.min(messages, m + chunk); i++) batch.push(message(i, rowsPerMessage, baseTs));
    await p.send(TOPIC, batch);
    if ((m / chunk) % 8 === 0) progress(`preload ${m + batch.length}/${messages} messages`);
  }
}

export interface IngestRun {
  readonly store: 'clickhouse' | 'chdb';
  readonly wall_s: number;
  /** From "ingest started" to the first lag drop: group join plus one whole partition slice (≤ 2000 messages) inserted and committed. */
  readonly first_commit_s: number;
  readonly ingest_cpu_s: number;
  readonly server_cpu_s: number | null;
  /** CPU of the Kafka broker over the same window, when its pid is known. */
  readonly broker_cpu_s: number | null;
  readonly rows_sent: number;
  /** Writes the worker made in the window (its runlens_ingest_batch_duration_seconds count), when it serves metrics. */
  readonly writes?: number;
  /** The ingest child's CPU seconds per thread name over the window (threads alive at its end). */
  readonly threads?: Record<string, number>;
  readonly window_monotonic_s?: readonly [number, number];
  /**
   * From the same start until the child and the server go idle after the lag reached 0: the
   * window's CPU plus the merges its inserts set off (and the idle consumer's over the two quiet
   * seconds that end it). Fewer, larger inserts can leave merges past the window; this counts them.
   */
  readonly settled?: { readonly wait_s: number; readonly ingest_cpu_s: number; readonly server_cpu_s: number | null; readonly threads: Record<string, number> };
  /** The child's peak resident set over its life (VmHWM), in MiB: the buffer, the fetches and chDB's engine. */
  readonly rss_peak_mib?: number;
  /** Then the table brought to one part per partition, as the ceiling leaves its copy (one-part.ts). */
  readonly one_part?: OnePart;
  /** Then, with `warm`, a second backlog published while the same (now compiled, settled) worker runs. */
  readonly warm?: WarmRun;
}

/**
 * A worker that has run a while, fed live. After the first drain has settled, `publish` sends more
 * while the worker runs, and the window runs from the publish's start until the lag is 0 again.
 * Two things differ from the first drain, both as in a deployment: the code is compiled (the
 * first drain pays once for V8 compiling the hot path: a fifth of a 2 s drain's CPU in the scale
 * replay, by `perf`), and each write holds what arrived since the last fetch round (1 s of it,
 * ingest-service.ts), not a backlog's, so the store makes and merges more, smaller parts.
 */
export interface WarmPhase {
  readonly publish: () => Promise<{ readonly messages: number; readonly rows: number }>;
}

export interface WarmRun {
  readonly messages: number;
  readonly rows: number;
  readonly wall_s: number;
  readonly ingest_cpu_s: number;
  readonly server_cpu_s: number | null;
  readonly writes?: number;
}

function spawnIngest(env: Record<string, string>, cpuProfDir?: string): { child: ChildProcess; lines: Record<string, unknown>[] } {
  // --cpu-prof is refused in NODE_OPTIONS: run bin/runlens's own command line (the compiled
  // dist/current/main.js, which `runlens --version` has just rebuilt if stale) with the flag.
  // BENCH_INGEST_MAIN runs another build's main.js (a copy of an older dist/b-…) to compare builds on one machine.
  const main = process.env.BENCH_INGEST_MAIN;
  if ((cpuProfDir || process.env.BENCH_CHILD_NODE_FLAGS) && !main) execFileSync(RUNLENS, ['--version']);
  // BENCH_CHILD_NODE_FLAGS: extra node flags for the child (e.g. --trace-gc, refused in NODE_OPTIONS).
  const flags = process.env.BENCH_CHILD_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const [cmd, args] = cpuProfDir || main || flags.length > 0
    ? [process.execPath, [...flags, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), main ?? join(ROOT, 'dist/current/main.js'), 'ingest']]
    : [RUNLENS, ['ingest']];
  // BENCH_CHILD_STDOUT: a file for the child's stdout (e.g. NODE_OPTIONS=--trace-gc output).
  const out = process.env.BENCH_CHILD_STDOUT ? openSync(`${process.env.BENCH_CHILD_STDOUT}.${env.RUNLENS_STORE ?? 'x'}`, 'w') : 'ignore';
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', out, 'pipe'] });
  const lines = collectJsonLines(child.stderr);
  return { child, lines };
}

async function waitLine(lines: Record<string, unknown>[], child: ChildProcess, msg: string, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    if (lines.some((l) => l.msg === msg)) return;
    if (child.exitCode !== null) break;
  }
  throw new Error(`ingest: no "${msg}"; log: ${lines.map((l) => JSON.stringify(l)).join('\n')}`);
}

/**
 * `bin/runlens ingest` as a child (production wiring), from "ingest started" until the
 * group's lag on the topic is 0. CPU of the child and of the server over that window.
 */
export async function runIngest(opts: {
  store: 'clickhouse' | 'chdb'; brokers: string; group: string; env: Record<string, string>;
  /** The server's pid, or every server's of a cluster: their CPU is summed. */
  serverPid: number | readonly number[] | null;
  messages: number; cpuProfDir?: string; timeoutS: number; topics?: readonly string[];
  /** The broker's pid, or every broker's of a Kafka cluster: their CPU is summed. */
  brokerPid?: number | readonly number[];
  warm?: WarmPhase;
}): Promise<IngestRun> {
  const topics = opts.topics ?? [TOPIC];
  // RUNLENS_KAFKA_BROKERS is a comma list; the bus takes one bootstrap address per element.
  const admin = await openKafkaBus({ brokers: opts.brokers.split(','), clientId: 'ingest-bench-lag' });
  const { child, lines } = spawnIngest({ ...opts.env, RUNLENS_KAFKA_BROKERS: opts.brokers, RUNLENS_STORE: opts.store, RUNLENS_INGEST_GROUP: opts.group, RUNLENS_LOG_LEVEL: 'info' }, opts.cpuProfDir);
  try {
    await waitLine(lines, child, 'ingest started', 120_000);
    const pid = child.pid ?? 0;
    const cpu0 = cpuSeconds(pid);
    const threads0 = threadCpuSeconds(pid);
    const servers = opts.serverPid === null ? [] : [opts.serverPid].flat();
    const serverCpu = (): number => servers.reduce((a, p) => a + cpuSeconds(p), 0);
    const srv0 = serverCpu();
    const brokers = opts.brokerPid === undefined ? [] : [opts.brokerPid].flat();
    const brokerCpu = (): number => brokers.reduce((a, p) => a + cpuSeconds(p), 0);
    const broker0 = brokerCpu();
    const writes = (): Promise<number | null> => writeCount(opts.env.RUNLENS_METRICS_PORT);
    const writes0 = await writes();
    const t0 = performance.now();
    const mono0 = process.hrtime.bigint();
    const firstCommit = await untilDrained(admin, { ...opts, topics }, child, t0);
    const wall_s = (performance.now() - t0) / 1000;
    // CLOCK_MONOTONIC seconds, to cut a `perf record -k CLOCK_MONOTONIC` of the child to this window.
    const window_monotonic_s = [Number(mono0) / 1e9, Number(process.hrtime.bigint()) / 1e9] as const;
    const ingest_cpu_s = cpuSeconds(pid) - cpu0;
    const threads = threadCpuDelta(threads0, threadCpuSeconds(pid));
    const server_cpu_s = servers.length > 0 ? serverCpu() - srv0 : null;
    const broker_cpu_s = brokers.length > 0 ? brokerCpu() - broker0 : null;
    const written = since(writes0, await writes());
    const wait_s = await settle([pid, ...servers]);
    const settled = { wait_s, ingest_cpu_s: cpuSeconds(pid) - cpu0, server_cpu_s: servers.length > 0 ? serverCpu() - srv0 : null, threads: threadCpuDelta(threads0, threadCpuSeconds(pid)) };
    const warm = opts.warm ? await warmDrain(opts.warm, pid, serverCpu, servers.length > 0, (t: number) => untilDrained(admin, { ...opts, topics }, child, t), writes) : undefined;
    const rss_peak_mib = peakRssMiB(pid);
    const closed = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await closed;
    const stopped = lines.find((l) => l.msg === 'ingest stopped');
    return { store: opts.store, wall_s, first_commit_s: firstCommit, ingest_cpu_s, server_cpu_s, broker_cpu_s, rows_sent: Number(stopped?.sent ?? Number.NaN), threads, window_monotonic_s, settled, rss_peak_mib, ...(written === null ? {} : { writes: written }), ...(warm ? { warm } : {}) };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await admin.close();
  }
}

/** Polls the group's lag until it is 0; returns when the lag first fell below `messages` (seconds from `t0`). */
async function untilDrained(admin: Bus, o: { store: string; group: string; topics: readonly string[]; messages: number; timeoutS: number }, child: ChildProcess, t0: number): Promise<number> {
  let firstCommit = Number.NaN;
  let lastLog = t0;
  for (let lag = await admin.lag(o.group, o.topics); lag > 0; lag = await admin.lag(o.group, o.topics)) {
    if (Number.isNaN(firstCommit) && lag < o.messages) firstCommit = (performance.now() - t0) / 1000;
    if (performance.now() - lastLog > 5000) { progress(`  ${o.store}: lag ${lag} messages`); lastLog = performance.now(); }
    if (performance.now() - t0 > o.timeoutS * 1000) throw new Error(`ingest into ${o.store}: lag ${lag} after ${o.timeoutS} s`);
    if (child.exitCode !== null) throw new Error(`ingest exited ${child.exitCode}`);
    await sleep(100);
  }
  return firstCommit;
}

/** The warm phase (WarmPhase): more rows published while the worker runs, until they are drained. */
async function warmDrain(phase: WarmPhase, pid: number, serverCpu: () => number, hasServer: boolean, drained: (t0: number) => Promise<number>, writes: () => Promise<number | null>): Promise<WarmRun> {
  const writes0 = await writes();
  const [cpu0, srv0, t0] = [cpuSeconds(pid), serverCpu(), performance.now()];
  const sent = await phase.publish();
  await drained(t0);
  const [wall_s, ingest_cpu_s, server_cpu_s] = [(performance.now() - t0) / 1000, cpuSeconds(pid) - cpu0, hasServer ? serverCpu() - srv0 : null];
  const written = since(writes0, await writes());
  return { ...sent, wall_s, ingest_cpu_s, server_cpu_s, ...(written === null ? {} : { writes: written }) };
}

/** The worker's writes so far, from its metrics endpoint (null: it serves none, or did not answer). */
async function writeCount(port: string | undefined): Promise<number | null> {
  if (!port) return null;
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const line = text.split('\n').find((l) => l.startsWith('runlens_ingest_batch_duration_seconds_count'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
  } catch {
    return null;
  }
}

const since = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);
