// kafkajs is CommonJS and Node's ESM loader cannot see CompressionCodecs as a named export
// (vitest can, so only the real processes failed): take it from the module object.
import kafkajs from 'kafkajs';
import { promisify } from 'node:util';
import { gzip, unzip } from 'node:zlib';

/**
 * Most bytes one compressed record batch may inflate to. A fetch brings at most 8 MiB per
 * partition, and a message is at most 8 MiB, so an honest batch stays far below this; a gzip
 * bomb (kilobytes that inflate to gigabytes) is cut off here instead of exhausting memory.
 */
export const MAX_INFLATED_BATCH_BYTES = 64 * 1024 * 1024;

const deflate = promisify(gzip);
const inflate = promisify(unzip);

/**
 * zlib's output chunk for one batch: the size gzip's trailer states (ISIZE, the input's length
 * mod 2^32) and a little, so an honest batch inflates into one buffer in one pass on the thread
 * pool: no 16 KiB round trips and no joined copy (about 30 % less inflate CPU on rows.ts). The
 * trailer is only a hint: a wrong one costs more chunks, never a wrong result, and the limit
 * still bounds the output.
 */
export function inflateChunk(buffer: Buffer, limit: number): number {
  const stated = buffer.length >= 18 ? buffer.readUInt32LE(buffer.length - 4) : 0;
  return Math.min(Math.max(stated + 64, 64), limit + 64);
}

/**
 * kafkajs's own GZIP codec inflates without a limit, before any of our checks can see the
 * bytes. Registering this one (process-wide, in the only folder that imports kafkajs) bounds
 * it; a batch over the limit fails its fetch loudly instead of taking the process down.
 */
export function installBoundedGzip(limit = MAX_INFLATED_BATCH_BYTES): void {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.GZIP] = () => ({
    compress: async (encoder: { buffer: Buffer }) => deflate(encoder.buffer),
    decompress: async (buffer: Buffer) => inflate(buffer, { maxOutputLength: limit, chunkSize: inflateChunk(buffer, limit) }),
  });
}
