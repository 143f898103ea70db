/**
 * Real samples for replay: the RunLens agent samples this machine for a minute while a small
 * two-rank job runs, and the rows are kept as a gzipped JSON recording. Replays (scale,
 * storage) multiply it into N virtual nodes, shifted in time, so every byte they push is
 * shaped like what a real node sends: real process populations, real value distributions.
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/lib/recording.ts [seconds]
 * re-records benchmarks/lib/recordings/vm-2core.json.gz.
 */
import { Agent, BatchPublisher, createSamplers, readHostFacts } from '@runlens/collector';
import { MemoryBus } from '@runlens/pipeline';
import { type Row, type TableName, type TableRows, rowsOf, silentLogger } from '@runlens/schemas';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export const RECORDING = join(import.meta.dirname, 'recordings', 'vm-2core.json.gz');

export interface Recording {
  readonly recorded_at: string;
  readonly host: string;
  readonly cpus: number;
  readonly seconds: number;
  /** Pids of the recorded job (the workload and its descendants). */
  readonly job_pids: number[];
  /** Rows per tick, in tick order; ts is relative to the first tick (ms). */
  readonly ticks: { process: Row<'process_samples'>[]; node: Row<'node_samples'>[] }[];
}

/** A publisher that keeps each tick's rows instead of sending them. */
export class Capture extends BatchPublisher {
  readonly process: Row<'process_samples'>[][] = [];
  readonly node: Row<'node_samples'>[][] = [];

  override async publish<N extends TableName>(table: N, rows: TableRows<N>): Promise<void> {
    // Copied: a sampler may refill its columns at the next tick.
    if (table === 'process_samples') this.process.push(rowsOf(rows) as unknown as Row<'process_samples'>[]);
    if (table === 'node_samples') this.node.push(rowsOf(rows) as unknown as Row<'node_samples'>[]);
  }
}

/** The agent's process and node samplers at 1 Hz, publishing into a Capture (not started). */
export async function recordingAgent(): Promise<{ agent: Agent; bus: MemoryBus; capture: Capture }> {
  const facts = readHostFacts();
  const host = { ...facts, procRoot: '/proc', sysRoot: '/sys', log: silentLogger };
  const bus = new MemoryBus();
  const capture = new Capture(bus.producer(), 'recorder', facts.host);
  const { active } = await createSamplers(host, ['process', 'node'], {}, silentLogger);
  const agent = new Agent({ host, samplers: active, publisher: capture, cluster: 'recording', intervalMs: 1000, log: silentLogger });
  return { agent, bus, capture };
}

/** Samples this machine for `seconds` at 1 Hz while `stress-ng` runs a two-rank CPU + memory job. */
export async function record(seconds: number): Promise<Recording> {
  const { agent, bus, capture } = await recordingAgent();
  const job = spawn('stress-ng', ['--cpu', '2', '--cpu-load', '70', '--vm', '1', '--vm-bytes', '96M', '--timeout', `${seconds + 5}s`], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  agent.start();
  await new Promise((r) => setTimeout(r, seconds * 1000 + 200));
  await agent.stop();
  job.kill('SIGTERM');
  await bus.close();
  const all = capture.process.flat();
  const jobPids = new Set<number>(job.pid ? [job.pid] : []);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of all) if (jobPids.has(r.ppid) && !jobPids.has(r.pid)) { jobPids.add(r.pid); grew = true; }
  }
  const t0 = capture.process[0]?.[0]?.ts ?? 0;
  const ticks = capture.process.map((p, i) => ({
    process: p.map((r) => ({ ...r, ts: r.ts - t0, run_id: '', rank: null, local_rank: null })),
    node: (capture.node[i] ?? []).map((r) => ({ ...r, ts: r.ts - t0 })),
  }));
  return { recorded_at: new Date().toISOString(), host: readHostFacts().host, cpus: availableParallelism(), seconds: ticks.length, job_pids: [...jobPids], ticks };
}

export function loadRecording(path = RECORDING): Recording {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Recording;
}

if (process.argv[1]?.endsWith('recording.ts')) {
  const seconds = Number(process.argv[2] ?? '60');
  record(seconds).then((rec) => {
    writeFileSync(RECORDING, gzipSync(JSON.stringify(rec)));
    const rows = rec.ticks.reduce((n, t) => n + t.process.length, 0);
    process.stderr.write(`recorded ${rec.seconds} ticks, ${rows} process rows (${(rows / rec.seconds).toFixed(0)}/s), job pids ${rec.job_pids.join(',')} → ${RECORDING}\n`);
    process.exit(0);
  }, (e: unknown) => { process.stderr.write(`recording failed: ${String(e)}\n`); process.exit(1); });
}
