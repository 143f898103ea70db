// kafkajs is CommonJS and Node's ESM loader cannot see CompressionCodecs as a named export: take
// it from the module object (bounded-gzip.ts). lz4-napi is napi-rs's CommonJS loader: the same.
import kafkajs from 'kafkajs';
import lz4 from 'lz4-napi';
import { MAX_INFLATED_BATCH_BYTES } from './bounded-gzip.ts';

const FRAME_MAGIC = 0x184d2204;

/**
 * The most bytes one LZ4 frame can decompress to, read from its headers without decompressing
 * (LZ4 frame format 1.6.x: a block decompresses to at most the frame's block maximum, a stored
 * block to its own size); null where the bytes are not exactly one frame. Kafka's record batches
 * are one frame each (the Java client's KafkaLZ4BlockOutputStream; this producer's compressFrame).
 */
export function lz4FrameBound(b: Uint8Array): number | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.byteLength < 7 || view.getUint32(0, true) !== FRAME_MAGIC) return null;
  const flg = b[4] ?? 0;
  const sizeCode = ((b[5] ?? 0) >> 4) & 7;
  if (flg >> 6 !== 1 || sizeCode < 4) return null;
  const blockMax = 1 << (8 + 2 * sizeCode);
  const blockChecksum = (flg & 0x10) !== 0;
  // Magic, FLG, BD, the content size and dictionary id where flagged, the header checksum.
  let at = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
  let bound = 0;
  for (;;) {
    if (at + 4 > b.byteLength) return null;
    const word = view.getUint32(at, true);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > blockMax) return null;
    bound += word >>> 31 === 1 ? size : blockMax;
    at += size + (blockChecksum ? 4 : 0);
  }
  at += (flg & 0x04) !== 0 ? 4 : 0;
  return at === b.byteLength ? bound : null;
}

/**
 * LZ4 for the bus (kafkajs has no LZ4 codec of its own). Against gzip on the agents' Arrow
 * messages (benchmarks/ingest/README.md, codec probe): compression ~12× and decompression ~2.3×
 * less CPU, for ~1.25× the bytes. Decompression is bounded like gzip's: a frame whose headers allow
 * more than `limit` bytes, or that is not one whole frame, fails its fetch before any is allocated.
 */
export function installBoundedLz4(limit = MAX_INFLATED_BATCH_BYTES): void {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => lz4.compressFrameSync(encoder.buffer),
    decompress: async (buffer: Buffer) => {
      const bound = lz4FrameBound(buffer);
      if (bound === null) throw new Error(`LZ4 batch of ${buffer.byteLength} bytes is not one whole LZ4 frame`);
      if (bound > limit) throw new Error(`LZ4 batch may decompress to ${bound} bytes, larger than the ${limit}-byte limit`);
      return lz4.decompressFrame(buffer);
    },
  });
}
