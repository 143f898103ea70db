import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import lz4 from 'lz4-napi';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { installBoundedLz4, lz4FrameBound } from './bounded-lz4.ts';

describe('bounded LZ4 codec for kafkajs', () => {
  installBoundedLz4(4 * 1024 * 1024);
  const codec = CompressionCodecs[CompressionTypes.LZ4]() as { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };

  it('round-trips an honest batch through its own compression', async () => {
    const honest = Buffer.from(Array.from({ length: 50_000 }, (_, i) => `row ${i % 977} `).join(''));
    const packed = await codec.compress({ buffer: honest });
    expect(packed.byteLength).toBeLessThan(honest.byteLength / 2);
    expect((await codec.decompress(packed)).equals(honest)).toBe(true);
  });

  it('refuses a bomb from its headers alone: ~0.5 MB whose blocks allow 128 MiB', async () => {
    const bomb = lz4.compressFrameSync(Buffer.alloc(128 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    expect(lz4FrameBound(bomb)).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    await expect(codec.decompress(bomb)).rejects.toThrow(/larger than the 4194304-byte limit/);
  });

  it('refuses what is not exactly one frame: gzip, a truncated frame, a frame with bytes after it', async () => {
    const frame = lz4.compressFrameSync(Buffer.from('runlens '.repeat(1000)));
    for (const bad of [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), frame.subarray(0, frame.byteLength - 3), Buffer.concat([frame, frame])]) {
      expect(lz4FrameBound(bad)).toBeNull();
      await expect(codec.decompress(bad)).rejects.toThrow(/not one whole LZ4 frame/);
    }
  });

  it('bounds a stored (incompressible) block by its own size, a compressed one by the block maximum', () => {
    const random = randomBytes(100_000);
    expect(lz4FrameBound(lz4.compressFrameSync(random))).toBe(random.byteLength);
    const zeros = lz4.compressFrameSync(Buffer.alloc(100_000));
    // One compressed block: the block maximum its frame descriptor (BD) states.
    expect(lz4FrameBound(zeros)).toBe(1 << (8 + 2 * (((zeros[5] ?? 0) >> 4) & 7)));
    expect(lz4FrameBound(zeros)).toBeGreaterThanOrEqual(100_000);
  });
});
