import { describe, expect, it } from 'vitest';
import { FINE_MS, type MergeTicks, TickSeries, bucketMsFor } from './tick-series.ts';
import { ColumnStore } from './tick-store.ts';
import { trailing } from './trailing.ts';
import { progressRate } from '../detectors/peers.ts';
import { RunState } from '../state/run-state.ts';
import type { RunTick } from './run-window.ts';

const T = 1_700_000_000_000;
type V = { ts: number; v: number };
const last: MergeTicks<V> = (ts, ticks) => ({ ts, v: ticks[ticks.length - 1]?.v ?? 0 });

/** What sumSince must give: a loop over since(from), in its order. */
function expected(s: TickSeries<V>, from: number): { n: number; sum: number; first: number; last: number } {
  const ticks = s.since(from);
  let sum = 0;
  for (const t of ticks) sum += t.v;
  return { n: ticks.length, sum, first: ticks[0]?.ts ?? NaN, last: ticks[ticks.length - 1]?.ts ?? NaN };
}

describe('TickSeries kept as columns (ColumnStore)', () => {
  it('gives the ticks and sums a series of objects gives, through appends, late inserts, replays and compaction', () => {
    let seed = 5;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const s = new TickSeries<V>(last, new ColumnStore<V>((t) => t.v, (ts, v) => ({ ts, v })));
    const objects = new TickSeries<V>(last);
    const first = T;
    for (let i = 0; i < 3000; i++) {
      const late = rand() < 0.1 && i > 5;
      const ts = late ? T + (i - 1 - Math.floor(rand() * 5)) * 1000 + (rand() < 0.5 ? 0 : 500) : T + i * 1000;
      const tick = { ts, v: Math.round(rand() * 1000) / 7 };
      expect(s.set(tick)).toBe(objects.set(tick));
      s.compact(bucketMsFor(ts - first));
      objects.compact(bucketMsFor(ts - first));
      if (i % 97 === 0) {
        const newest = T + i * 1000;
        for (const from of [newest - 60_000, newest - 1000, newest + 1, newest - FINE_MS + 2000]) {
          expect(s.since(from)).toEqual(objects.since(from));
          expect(s.sumSince(from)).toEqual(expected(objects, from));
        }
        expect(s.since(T, bucketMsFor(ts - first))).toEqual(objects.since(T, bucketMsFor(ts - first)));
        expect(s.size).toBe(objects.size);
      }
    }
    // A window reaching into the merged history is not summed from the columns; a series of objects sums nothing.
    expect(s.sumSince(T)).toBeNull();
    expect(new TickSeries<V>(last).sumSince(T)).toBeNull();
  });

  it('a run\'s rank views carry their user-CPU sums; a trailing cut carries none and is read from its ticks', () => {
    const run = new RunState('r');
    for (let i = 0; i < 90; i++) {
      for (const rank of [0, 1]) {
        const tick = { ts: T + i * 1000, cpu_cores: 1, user_cores: rank === 0 ? 0.9 : 0.1 * (i % 7), sys_cores: 0 } as RunTick;
        run.addHostTick('h1', tick);
        run.addRankTick(rank, 'h1', tick);
      }
    }
    const w = run.window(new Map(), T + 30_000);
    for (const r of w.ranks ?? []) {
      expect(r.user).toBeDefined();
      expect((r.user?.sum ?? 0) / (r.user?.n ?? 1)).toBe(progressRate(r.ticks));
      expect([r.user?.n, r.user?.first, r.user?.last]).toEqual([r.ticks.length, r.ticks[0]?.ts, r.ticks[r.ticks.length - 1]?.ts]);
    }
    const cut = trailing(w, T + 80_000);
    expect(cut.ranks?.map((r) => [r.user, r.ticks.length])).toEqual([[undefined, 10], [undefined, 10]]);
  });
});
