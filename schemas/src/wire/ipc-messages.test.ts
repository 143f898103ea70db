import { describe, expect, it } from 'vitest';
import { builtBatchMessage, recordBatchMessage } from './ipc-messages.ts';

describe('record batch metadata from a template of its shape', () => {
  it('is byte for byte what the flatbuffer Builder writes, for any numbers, counts and large values', () => {
    let seed = 5;
    const rand = (n: number): number => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    const big = (): number => (rand(4) === 0 ? rand(2 ** 20) * 2 ** 32 + rand(2 ** 31) : rand(1_000_000));
    for (let trial = 0; trial < 300; trial++) {
      // A few shapes, so most messages take a template made by an earlier one.
      const columns = 1 + rand(4);
      const nodes = Array.from({ length: 2 * columns }, big);
      const buffers = Array.from({ length: 2 * (columns + rand(3)) }, big);
      const body = { at: rand(3) === 0 ? 0 : 1 + big(), nodes, buffers };
      const rows = rand(5) === 0 ? 0 : 1 + big();
      expect(Buffer.from(recordBatchMessage(body, rows)).toString('hex')).toBe(Buffer.from(builtBatchMessage(body, rows)).toString('hex'));
    }
  });
});
