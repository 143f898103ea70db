import { describe, expect, it } from 'vitest';
import { FINE_MS, TickSeries, bucketMsFor } from './tick-series.ts';
import { RunTickStore } from './run-tick-store.ts';
import type { RunTick } from './run-window.ts';
import { aggregateTick, meanTicks } from '../state/tick-agg.ts';
import type { Row } from '@runlens/schemas';

const T = 1_700_000_000_000;

/** A tick as the analyzer makes it (aggregateCols), a process started mid-tick now and then (newcomers). */
function tickAt(ts: number, rand: () => number): RunTick {
  const rows = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => ({
    ts, interval_s: rand() < 0.15 ? 0.4 : 1, cpu_user_cores: rand() * 2, cpu_sys_cores: rand() < 0.1 ? -0 : rand() / 10, run_delay_cores: rand() / 5, threads: 1 + i,
    busy_threads: rand() < 0.5 ? null : 1, rss_bytes: Math.round(rand() * 1e9), read_bytes_per_s: rand() < 0.2 ? null : rand() * 1e6, write_bytes_per_s: rand() * 1e5,
    rchar_per_s: rand() * 1e5, wchar_per_s: rand() * 1e5, syscr_per_s: rand() * 100, syscw_per_s: rand() * 100, invol_ctxsw_per_s: rand() < 0.05 ? NaN : rand() * 10,
    majflt_per_s: rand(), state: rand() < 0.1 ? 'D' : rand() < 0.05 ? 'T' : 'R',
  })) as unknown as Row<'process_samples'>[];
  return aggregateTick(ts, rows, 4);
}

describe('RunTickStore: a host\'s run ticks kept as columns', () => {
  it('gives the ticks a series of objects gives, field for field and in one shape, through appends, late inserts, replays and compaction', () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const columns = new TickSeries<RunTick>(meanTicks, new RunTickStore());
    const objects = new TickSeries<RunTick>(meanTicks);
    let newcomers = 0;
    for (let i = 0; i < 2600; i++) {
      const late = rand() < 0.1 && i > 5;
      const ts = late ? T + (i - 1 - Math.floor(rand() * 5)) * 1000 + (rand() < 0.5 ? 0 : 500) : T + i * 1000;
      const tick = tickAt(ts, rand);
      if (tick.newcomers) newcomers++;
      expect(columns.set(tick)).toBe(objects.set(tick));
      columns.compact(bucketMsFor(ts - T));
      objects.compact(bucketMsFor(ts - T));
      if (i % 89 !== 0) continue;
      const newest = T + i * 1000;
      for (const from of [newest - 60_000, newest - 1000, newest + 1, newest - FINE_MS + 2000, T]) {
        const [a, b] = [columns.since(from), objects.since(from)];
        // toStrictEqual: NaN and -0 kept, and no field present on one side and absent on the other (newcomers).
        expect(a).toStrictEqual(b);
        for (let k = 0; k < a.length; k++) expect(Object.keys(a[k] as RunTick)).toEqual(Object.keys(b[k] as RunTick));
      }
      expect(columns.since(T, bucketMsFor(ts - T))).toStrictEqual(objects.since(T, bucketMsFor(ts - T)));
      expect(columns.size).toBe(objects.size);
    }
    // The run compacted (over half an hour of ticks) and some ticks had newcomers: both paths were taken.
    expect(bucketMsFor(2600 * 1000)).toBeGreaterThan(0);
    expect(newcomers).toBeGreaterThan(50);
  });

  it('a replayed tick replaces the values and newcomers it had, and a window is fresh objects no reader can change the store through', () => {
    const s = new RunTickStore();
    let seed = 3;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const first = { ...tickAt(T, rand), newcomers: { cores: 0.5, share: 0.4 } };
    s.push(first);
    s.push(tickAt(T + 1000, rand));
    const replay = { ...tickAt(T, rand) };
    delete (replay as { newcomers?: unknown }).newcomers;
    s.put(0, replay);
    expect(s.slice(0)[0]).toStrictEqual(replay);
    const got = s.slice(0)[0] as { cpu_cores: number };
    got.cpu_cores = -1;
    expect(s.slice(0)[0]).toStrictEqual(replay);
    expect(s.shift(1)).toStrictEqual([replay]);
    expect(s.length).toBe(1);
    expect(s.tsAt(0)).toBe(T + 1000);
  });
});
