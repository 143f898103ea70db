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
});
