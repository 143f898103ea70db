import { describe, expect, it } from 'vitest';
import { meter, runTotal, sparkline } from './bars.ts';

describe('text bars', () => {
  it('a meter fills its share of the width, in eighths, and clamps', () => {
    expect(meter(0.5, 10)).toBe('▕█████     ▏');
    expect(meter(0.1, 10)).toBe('▕█         ▏');
    expect(meter(0.55, 10)).toBe('▕█████▌    ▏');
    expect(meter(0, 4)).toBe('▕    ▏');
    expect(meter(3, 4)).toBe('▕████▏');
    expect(meter(Number.NaN, 4)).toBe('▕    ▏');
  });

  it('a sparkline rises with the series, leaves gaps blank and scales to a given maximum', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([1, null, 1])).toBe('█ █');
    expect(sparkline([0.4, 0.4], 24, 4)).toBe('▂▂');
    expect(sparkline(Array.from({ length: 100 }, (_, i) => i), 10)).toHaveLength(10);
    expect(sparkline([])).toBe('');
  });

  it('sums hosts per bucket; a bucket no host sampled stays a gap', () => {
    const a = { host: 'a', points: [{ ts: 0, value: 1 }, { ts: 1000, value: null }, { ts: 2000, value: 2 }] };
    const b = { host: 'b', points: [{ ts: 0, value: 0.5 }, { ts: 2000, value: 1 }] };
    expect(runTotal([a, b])).toEqual([1.5, null, 3]);
  });
});
