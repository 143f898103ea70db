import { describe, expect, it } from 'vitest';
import { unwritten } from './index.ts';

describe('the spill write goes on after a short write', () => {
  it('leaves exactly the bytes after the first `done`, for every cut of the pieces', () => {
    const pieces = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.of(4), Uint8Array.of(5, 6, 7, 8)];
    const all = Buffer.concat(pieces);
    for (let done = 0; done <= all.byteLength; done++) {
      const left = unwritten(pieces, done);
      expect(Buffer.concat(left as Uint8Array[])).toEqual(all.subarray(done));
    }
    expect(unwritten(pieces, all.byteLength)).toEqual([]);
  });
});
