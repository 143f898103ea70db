import { describe, expect, it } from 'vitest';
import { FINE_MS, MAX_BUCKETS, type MergeTicks, TickSeries, bucketMsFor } from './tick-series.ts';

const T = 1_700_000_000_000;
type V = { ts: number; v: number };
const mean: MergeTicks<V> = (ts, ticks, weights) => {
  let s = 0;
  let n = 0;
  ticks.forEach((t, i) => { s += t.v * (weights[i] ?? 1); n += weights[i] ?? 1; });
  return { ts, v: s / n };
};

/** A run's series fed one tick a second for `seconds`, compacted as RunState does after each tick; agents tick off the second. */
function feed(seconds: number, start = T, value = (i: number): number => (i * 7919) % 101): { s: TickSeries<V>; raw: V[] } {
  const s = new TickSeries<V>(mean);
  const raw: V[] = [];
  for (let i = 0; i < seconds; i++) {
    const t = { ts: start + i * 1000 + 137, v: value(i) };
    raw.push(t);
    s.set(t);
    const bucketMs = bucketMsFor(t.ts - (start + 137));
    if (bucketMs > 0) s.compact(bucketMs);
  }
  return { s, raw };
}

const avg = (xs: readonly V[]): number => xs.reduce((a, x) => a + x.v, 0) / xs.length;

describe('TickSeries: a long run\'s history in buckets', () => {
  it('merges nothing in runs up to half an hour, then widens buckets so that a week takes at most MAX_BUCKETS', () => {
    expect(bucketMsFor(FINE_MS + MAX_BUCKETS * 1000)).toBe(0);
    expect(bucketMsFor(FINE_MS + MAX_BUCKETS * 1000 + 1)).toBe(2000);
    const week = 7 * 86_400_000;
    expect((week - FINE_MS) / bucketMsFor(week)).toBeLessThanOrEqual(MAX_BUCKETS);
    expect((week - FINE_MS) / bucketMsFor(week)).toBeGreaterThan(MAX_BUCKETS / 2);
  });

  it('keeps a half-hour run as it came', () => {
    const { s, raw } = feed(30 * 60);
    expect(s.size).toBe(raw.length);
    expect(s.since(0)).toEqual(raw);
  });

  it('holds a bounded number of values for a 6-hour run, and its recent ticks as they came', () => {
    const { s, raw } = feed(6 * 3600);
    expect(s.size).toBeLessThanOrEqual(FINE_MS / 1000 + bucketMsFor(6 * 3600_000) / 1000 + MAX_BUCKETS);
    const from = raw[raw.length - 1]!.ts - 60_000;
    expect(s.since(from)).toEqual(raw.filter((t) => t.ts >= from));
  });

  it('gives the whole run on one grid, with the mean of every tick it stands for', () => {
    const { s, raw } = feed(3 * 3600 + 17);
    const whole = s.since(0);
    const step = bucketMsFor(raw[raw.length - 1]!.ts - raw[0]!.ts);
    expect(step).toBe(16_000);
    expect(whole.every((t) => t.ts % step === 0)).toBe(true);
    expect(new Set(whole.map((t) => t.ts)).size).toBe(whole.length);
    // Each bucket is the mean of its raw ticks: the run's mean weighted by bucket size is the raw mean.
    const weighted = whole.reduce((a, t) => a + t.v * raw.filter((r) => Math.floor(r.ts / step) * step === t.ts).length, 0) / raw.length;
    expect(weighted).toBeCloseTo(avg(raw), 9);
    for (const b of whole.slice(0, 50)) expect(b.v).toBeCloseTo(avg(raw.filter((r) => Math.floor(r.ts / step) * step === b.ts)), 9);
  });

  it('puts two series of one run that started apart on the same grid', () => {
    const a = feed(2 * 3600).s;
    const b = new TickSeries<V>(mean);
    // The second host joined an hour late; the run's width and horizon are the run's, not the host's.
    for (let i = 3600; i < 2 * 3600; i++) {
      b.set({ ts: T + i * 1000 + 611, v: 1 });
      const bucketMs = bucketMsFor(i * 1000);
      if (bucketMs > 0) b.compact(bucketMs);
    }
    const aTimes = new Set(a.since(0).map((t) => t.ts));
    expect(b.since(0).every((t) => aTimes.has(t.ts))).toBe(true);
  });

  it('refuses a tick older than its full-resolution history, and still replaces a recent one', () => {
    const { s, raw } = feed(2 * 3600);
    const before = s.since(0);
    expect(s.set({ ts: raw[10]!.ts, v: 1e9 })).toBe(false);
    expect(s.since(0)).toEqual(before);
    const recent = raw[raw.length - 5]!;
    expect(s.set({ ts: recent.ts, v: -1 })).toBe(true);
    expect(s.since(recent.ts)[0]).toEqual({ ts: recent.ts, v: -1 });
  });
});
