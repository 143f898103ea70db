import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { installBoundedGzip } from './bounded-gzip.ts';

describe('bounded GZIP codec for kafkajs', () => {
  installBoundedGzip(4 * 1024 * 1024);
  const codec = CompressionCodecs[CompressionTypes.GZIP]() as { decompress(b: Buffer): Promise<Buffer> };

  it('refuses a gzip bomb: 128 KB that would inflate to 128 MiB', async () => {
    const bomb = gzipSync(Buffer.alloc(128 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(256 * 1024);
    await expect(codec.decompress(bomb)).rejects.toThrow(/larger than|buffer/i);
  });

  it('inflates an honest batch unchanged', async () => {
    const honest = Buffer.from('runlens '.repeat(10_000));
    expect((await codec.decompress(gzipSync(honest))).equals(honest)).toBe(true);
  });

  it('sizes its buffer from the gzip trailer only as a hint: a wrong size is refused (zlib checks it), a bomb stating a small one is still cut off', async () => {
    const data = Buffer.from(Array.from({ length: 50_000 }, (_, i) => `row ${i} `).join(''));
    for (const stated of [0, 100, data.length * 3]) {
      const z = gzipSync(data);
      z.writeUInt32LE(stated, z.length - 4);
      // zlib checks the trailer's size at the end: a wrong one is a corrupt stream, refused loudly, never truncated.
      await expect(codec.decompress(z)).rejects.toThrow();
    }
    const bomb = gzipSync(Buffer.alloc(128 * 1024 * 1024));
    bomb.writeUInt32LE(1000, bomb.length - 4);
    await expect(codec.decompress(bomb)).rejects.toThrow(/larger than|buffer/i);
  });
});
