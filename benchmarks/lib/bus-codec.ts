import type { BusCompression } from '@runlens/pipeline';

/**
 * The codec a benchmark's producers use, as the agents would: BENCH_COMPRESSION, lz4 (the bus's
 * default, RUNLENS_KAFKA_COMPRESSION) unless it says gzip. Any other value is a mistake in the
 * command, so it stops the run rather than measuring the default under another name.
 */
export function benchCompression(env: NodeJS.ProcessEnv = process.env): BusCompression {
  const v = env.BENCH_COMPRESSION ?? 'lz4';
  if (v === 'lz4' || v === 'gzip') return v;
  throw new Error(`BENCH_COMPRESSION=${v}: expected lz4 or gzip`);
}
