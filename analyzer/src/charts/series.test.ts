import { describe, expect, it } from 'vitest';
import { bucketMs, rowsToSeries, withGaps } from './series.ts';

describe('rowsToSeries', () => {
  it('groups by host in time order and keeps missing values as null', () => {
    const s = rowsToSeries([
      { host: 'b', bucket: '2000', v: '1.5' }, { host: 'a', bucket: 2000, v: null }, { host: 'a', bucket: 1000, v: 2 },
    ]);
    expect(s).toEqual([
      { host: 'a', points: [{ ts: 1000, value: 2 }, { ts: 2000, value: null }] },
      { host: 'b', points: [{ ts: 2000, value: 1.5 }] },
    ]);
  });
});

describe('withGaps', () => {
  it('breaks the line where samples are missing instead of bridging or dropping to 0', () => {
    const d = withGaps([{ ts: 0, value: 1 }, { ts: 1000, value: 1 }, { ts: 10_000, value: 2 }], 2500);
    expect(d).toEqual([[0, 1], [1000, 1], [5500, '-'], [10_000, 2]]);
    expect(d.some(([, v]) => v === 0)).toBe(false);
  });
  it('turns a null or NaN value into a gap', () => {
    expect(withGaps([{ ts: 0, value: null }, { ts: 1000, value: Number.NaN }], 2500)).toEqual([[0, '-'], [1000, '-']]);
  });
});

describe('bucketMs', () => {
  it('keeps one hour of 1 Hz samples at or under 600 points', () => {
    const b = bucketMs(3_600_000);
    expect(b).toBe(6000);
    expect(3_600_000 / b).toBeLessThanOrEqual(600);
  });
  it('never goes finer than the sampling interval', () => {
    expect(bucketMs(8000)).toBe(1000);
    expect(bucketMs(0)).toBe(1000);
  });
});
