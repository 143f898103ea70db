/**
 * The bus codecs on the agents' own messages: CPU to compress and to decompress 20,000
 * process_samples rows of the real recording (benchmarks/lib/recordings), one message per virtual
 * node and second as agents send them; gzip (kafkajs's, level 6) and gzip level 1 against LZ4
 * frames (lz4-napi, the bus's default since 2026-12-06), and the bytes.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/codec-probe.ts */
import lz4 from 'lz4-napi';
import { gzipSync, unzipSync } from 'node:zlib';
import { encodeMessage } from '@runlens/schemas';
import { loadRecording } from '../lib/recording.ts';
import { replayTick } from '../lib/replay.ts';

/** At least this many rows, one message per virtual node and second, as agents send them. */
const ROWS = 20_000;

/** CPU milliseconds per call of `f`, the median of `n` calls after one warm-up. */
function cpuMs(f: () => unknown, n = 9): number {
  f();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    xs.push((c.user + c.system) / 1000);
  }
  return xs.sort((a, b) => a - b)[Math.floor(n / 2)] ?? NaN;
}

function agentMessages(): { raw: Buffer; rows: number } {
  const rec = loadRecording();
  const parts: Buffer[] = [];
  let rows = 0;
  for (let m = 0; rows < ROWS; m++) {
    const { process: tick } = replayTick(rec, m % 64, Math.floor(m / 64), { baseTs: Date.now() - 3_600_000, nodesPerJob: 8 });
    const host = tick[0]?.host ?? 'none';
    parts.push(Buffer.from(encodeMessage('process_samples', tick, { agentId: host, seq: m }, host).value));
    rows += tick.length;
  }
  return { raw: Buffer.concat(parts), rows };
}

const { raw, rows } = agentMessages();
const gz = gzipSync(raw);
const lf = lz4.compressFrameSync(raw);
if (!lz4.decompressFrameSync(lf).equals(raw) || !unzipSync(gz).equals(raw)) throw new Error('codec round trip failed');
const us = (ms: number): string => ((ms * 1000) / rows).toFixed(3);
const lines = [
  `${rows} rows, ${raw.byteLength} bytes of Arrow IPC (${(raw.byteLength / rows).toFixed(0)} B per row)`,
  '| codec | bytes | compress µs / row | decompress µs / row |', '|---|---:|---:|---:|',
  `| gzip (level 6, kafkajs's) | ${gz.byteLength} | ${us(cpuMs(() => gzipSync(raw)))} | ${us(cpuMs(() => unzipSync(gz)))} |`,
  `| gzip level 1 | ${gzipSync(raw, { level: 1 }).byteLength} | ${us(cpuMs(() => gzipSync(raw, { level: 1 })))} | - |`,
  `| LZ4 frame (lz4-napi) | ${lf.byteLength} | ${us(cpuMs(() => lz4.compressFrameSync(raw)))} | ${us(cpuMs(() => lz4.decompressFrameSync(lf)))} |`,
];
process.stdout.write(`${lines.join('\n')}\n`);
