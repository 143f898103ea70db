import { sleep } from '@runlens/schemas';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_BUFFER_LIMITS, InsertBuffer } from './insert-buffer.ts';

/** A buffer whose writes are recorded; `fail` makes the next write throw. */
function recorder(limits: { maxRows: number; maxWaitMs: number; quietMs: number }) {
  const writes: string[][] = [];
  let fail = false;
  const buffer = new InsertBuffer<string>(limits, async (items) => {
    if (fail) {
      fail = false;
      throw new Error('store down');
    }
    writes.push([...items]);
  });
  return { buffer, writes, failNext: () => { fail = true; } };
}

describe('InsertBuffer', () => {
  it('writes batches added together as one write, and resolves each add only after it', async () => {
    const { buffer, writes } = recorder({ maxRows: 1000, maxWaitMs: 60_000, quietMs: 20 });
    let settled = 0;
    const adds = ['a', 'b', 'c'].map((x) => buffer.add([x], 10).then(() => { settled++; }));
    expect(settled).toBe(0);
    await Promise.all(adds);
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('by default, joins answers that arrive tens of ms apart (one per broker, same fetch round) in one write', async () => {
    vi.useFakeTimers();
    try {
      const { buffer, writes } = recorder(DEFAULT_BUFFER_LIMITS);
      const first = buffer.add(['broker 1'], 10);
      await vi.advanceTimersByTimeAsync(30);
      const second = buffer.add(['broker 2'], 10);
      await vi.advanceTimersByTimeAsync(30);
      const third = buffer.add(['broker 3'], 10);
      await vi.advanceTimersByTimeAsync(100);
      await Promise.all([first, second, third]);
      expect(writes).toEqual([['broker 1', 'broker 2', 'broker 3']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes at once when the rows reach the limit, without waiting for the timers', async () => {
    const { buffer, writes } = recorder({ maxRows: 100, maxWaitMs: 60_000, quietMs: 60_000 });
    const small = buffer.add(['a'], 60);
    const full = buffer.add(['b'], 40);
    await Promise.all([small, full]);
    expect(writes).toEqual([['a', 'b']]);
  });

  it('writes after the longest wait even while batches keep arriving', async () => {
    const { buffer, writes } = recorder({ maxRows: 1_000_000, maxWaitMs: 200, quietMs: 60_000 });
    const adds: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      adds.push(buffer.add([`m${i}`], 1));
      await sleep(10);
    }
    await Promise.all(adds);
    expect(writes.flat()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('rejects every add of a failed write (so the bus redelivers them) and writes the next ones again', async () => {
    const { buffer, writes, failNext } = recorder({ maxRows: 1000, maxWaitMs: 60_000, quietMs: 10 });
    failNext();
    const results = await Promise.allSettled([buffer.add(['a'], 1), buffer.add(['b'], 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(writes).toEqual([]);
    await buffer.add(['a'], 1);
    expect(writes).toEqual([['a']]);
  });

  it('flush() writes what is buffered now (shutdown)', async () => {
    const { buffer, writes } = recorder({ maxRows: 1000, maxWaitMs: 60_000, quietMs: 60_000 });
    const add = buffer.add(['a'], 1);
    await buffer.flush();
    await add;
    expect(writes).toEqual([['a']]);
    await buffer.flush();
    expect(writes).toEqual([['a']]);
  });
});
