import { describe, expect, it } from 'vitest';
import { QUIET, T0 } from '../detectors/testdata/windows.ts';
import type { RunTick } from '../window/run-window.ts';
import { pageHinkley } from './page-hinkley.ts';
import { summarisePhases } from './phases.ts';

const ticks = (levels: readonly [number, Partial<RunTick>][]): RunTick[] => {
  const out: RunTick[] = [];
  for (const [n, t] of levels) for (let i = 0; i < n; i++) out.push({ ...QUIET, ...t, ts: T0 + out.length * 1000 });
  return out;
};

describe('phases', () => {
  it('Page-Hinkley finds a level shift near where it happened, and none in noise', () => {
    const step = [...Array(20).fill(0.1), ...Array(20).fill(1.0)].map((x, i) => x + (i % 2) * 0.02);
    const cuts = pageHinkley(step, 0.1, 1.5);
    expect(cuts).toHaveLength(1);
    expect(Math.abs((cuts[0] ?? 0) - 20)).toBeLessThanOrEqual(1);
    expect(pageHinkley(Array.from({ length: 60 }, (_, i) => 1 + (i % 3) * 0.03), 0.1, 1.5)).toEqual([]);
  });

  it('splits read → compute → idle and labels each phase', () => {
    const p = summarisePhases(ticks([[10, { storage_bytes_per_s: 200 * 1024 * 1024, cpu_cores: 0.1 }], [15, { cpu_cores: 1.9 }], [10, {}]]));
    expect(p.map((x) => x.label)).toEqual(['io', 'compute', 'idle']);
    expect(p[1]?.cpu_cores_mean).toBeCloseTo(1.9, 1);
  });

  it('a steady run is one phase', () => {
    expect(summarisePhases(ticks([[30, { cpu_cores: 1 }]]))).toHaveLength(1);
  });
});
