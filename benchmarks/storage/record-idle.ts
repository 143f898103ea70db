/**
 * A longer real recording for the storage control: the RunLens agent samples this machine at
 * 1 Hz for N seconds with no workload of its own (whatever else runs on the VM is what it
 * sees), in benchmarks/lib's Recording format. The lead's one-minute recording repeats every
 * 60 s when replayed for an hour, which LZ4/ZSTD exploit and Gorilla does not; replaying this
 * one without looping gives series with no repetition.
 *
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/storage/record-idle.ts [seconds]
 * writes benchmarks/storage/recordings/vm-idle.json.gz.
 *
 * This VM is shared: while recording, another benchmark (collector-overhead) ran populations
 * of 1,000-3,000 identical idle `sleep` processes, 94% of all rows. Those synthetic processes
 * are dropped (DROP_COMMS), so the control is this machine's ordinary population (16-60
 * processes per tick: shells, node, ClickHouse, Java, Prometheus, stress-ng, test runners).
 */
import { readHostFacts } from '@runlens/collector';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { gzipSync } from 'node:zlib';
import { type Recording, recordingAgent } from '../lib/recording.ts';
import { IDLE_RECORDING } from './recording-path.ts';


/** Synthetic process populations of concurrent benchmarks, not part of the recorded machine's own load. */
const DROP_COMMS = new Set(['sleep']);

export function withoutSyntheticProcesses(rec: Recording): Recording {
  return { ...rec, ticks: rec.ticks.map((t) => ({ ...t, process: t.process.filter((r) => !DROP_COMMS.has(r.comm)) })) };
}

async function recordIdle(seconds: number): Promise<Recording> {
  const { agent, bus, capture } = await recordingAgent();
  agent.start();
  await new Promise((r) => setTimeout(r, seconds * 1000 + 200));
  await agent.stop();
  await bus.close();
  const t0 = capture.process[0]?.[0]?.ts ?? 0;
  const ticks = capture.process.map((p, i) => ({
    process: p.map((r) => ({ ...r, ts: r.ts - t0, run_id: '', rank: null, local_rank: null })),
    node: (capture.node[i] ?? []).map((r) => ({ ...r, ts: r.ts - t0 })),
  }));
  return { recorded_at: new Date().toISOString(), host: readHostFacts().host, cpus: availableParallelism(), seconds: ticks.length, job_pids: [], ticks };
}

if (process.argv[1]?.endsWith('record-idle.ts')) {
  const seconds = Number(process.argv[2] ?? '900');
  recordIdle(seconds).then((raw) => {
    const rec = withoutSyntheticProcesses(raw);
    writeFileSync(IDLE_RECORDING, gzipSync(JSON.stringify(rec)));
    const rows = rec.ticks.reduce((n, t) => n + t.process.length, 0);
    process.stderr.write(`recorded ${rec.seconds} ticks, ${rows} process rows (${(rows / rec.seconds).toFixed(0)}/s) → ${IDLE_RECORDING}\n`);
    process.exit(0);
  }, (e: unknown) => { process.stderr.write(`recording failed: ${String(e)}\n`); process.exit(1); });
}
