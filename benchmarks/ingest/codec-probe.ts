/**
 * The bus codecs on the agents' own messages: CPU to compress and to decompress 20,000
 * process_samples rows (40 messages of 500, as agents encode them), gzip (kafkajs's, level 6) and
 * gzip level 1 against LZ4 frames (lz4-napi, the bus's default since 2026-12-06), and the bytes.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/ingest/codec-probe.ts
 */
import { type Row, encodeMessage } from '@runlens/schemas';
import lz4 from 'lz4-napi';
import { gzipSync, unzipSync } from 'node:zlib';

const ROWS = 500;
const MESSAGES = 40;

function row(i: number, ts: number): Row<'process_samples'> {
  const noise = (k: number): number => ((i * 7919 + ts * 31 + k) % 1000) / 1000;
  return {
    ts, host: 'node017', run_id: `slurm-${1000 + (i % 7)}`, rank: i % 64, local_rank: i % 64, pid: 10000 + i, ppid: 1, start_ticks: 12345 + i,
    comm: i % 3 ? 'lmp_mpi' : 'python3', state: i % 5 ? 'R' : 'S', interval_s: 1.0001, cpu_user_cores: noise(1), cpu_sys_cores: noise(2) * 0.05,
    run_delay_cores: noise(3) * 0.01, rss_bytes: 2e8 + Math.floor(noise(4) * 1e6), hwm_bytes: 3e8, vm_bytes: 1e9, threads: 4, busy_threads: 1,
    read_bytes_per_s: 0, write_bytes_per_s: Math.floor(noise(5) * 1e5), rchar_per_s: 1e5, wchar_per_s: 1e5, syscr_per_s: 10, syscw_per_s: 10,
    vol_ctxsw_per_s: 10, invol_ctxsw_per_s: 1, minflt_per_s: 0, majflt_per_s: 0, last_cpu: i % 2,
  };
}

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

const raw = Buffer.concat(Array.from({ length: MESSAGES }, (_, t) =>
  Buffer.from(encodeMessage('process_samples', Array.from({ length: ROWS }, (_, i) => row(i, 1.7e12 + t * 1000)), { agentId: 'a', seq: t }, 'node017').value)));
const rows = ROWS * MESSAGES;
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
