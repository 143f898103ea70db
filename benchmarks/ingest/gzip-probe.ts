// What the bus's gzip buys and costs on real agent output: the recorded machine's ticks
// (benchmarks/lib/recording.ts) as the messages 200 virtual nodes send, one producer batch per
// tick as benchmarks/scale sends them, and the synthetic 500-row messages of rows.ts.
//   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/gzip-probe.ts
import { encodeMessage } from '@runlens/schemas';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadRecording } from '../lib/recording.ts';
import { replayTick, virtualHost } from '../lib/replay.ts';
import { message } from './rows.ts';

function probe(what: string, batches: readonly Buffer[], rows: number): void {
  const raw = batches.reduce((n, b) => n + b.length, 0);
  let c0 = process.cpuUsage();
  const zipped = batches.map((b) => gzipSync(b));
  let c = process.cpuUsage(c0);
  const deflateUs = c.user + c.system;
  c0 = process.cpuUsage();
  for (const z of zipped) gunzipSync(z);
  c = process.cpuUsage(c0);
  const inflateUs = c.user + c.system;
  const packed = zipped.reduce((n, b) => n + b.length, 0);
  console.log(`${what}: ${(raw / rows).toFixed(0)} B/row raw, ratio ${(raw / packed).toFixed(2)}, gzip ${(deflateUs / rows).toFixed(2)} µs/row, gunzip ${(inflateUs / rows).toFixed(2)} µs/row`);
}

const rec = loadRecording();
const base = Date.now() - 60_000;
const ticks: Buffer[] = [];
let rows = 0;
for (let t = 0; t < 20; t++) {
  const parts: Buffer[] = [];
  for (let n = 0; n < 200; n++) {
    const tick = replayTick(rec, n, t, { baseTs: base, nodesPerJob: 4 });
    parts.push(Buffer.from(encodeMessage('process_samples', tick.process, { agentId: virtualHost(n), seq: t }, virtualHost(n)).value));
    rows += tick.process.length;
  }
  ticks.push(Buffer.concat(parts));
}
probe('recorded process_samples, 200 nodes per batch', ticks, rows);
const synthetic = Array.from({ length: 12 }, (_, b) => Buffer.concat(Array.from({ length: 50 }, (_, i) => Buffer.from(message(b * 50 + i, 500, base).value))));
probe('rows.ts 500-row messages, 50 per batch', synthetic, 12 * 50 * 500);
