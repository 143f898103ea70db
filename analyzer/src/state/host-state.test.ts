import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOST_HISTORY_MS, HostState } from './host-state.ts';

const T = 1_700_000_000_000;
const bg = (ts: number, cpu = 1): { ts: number; cpu_cores: number; top_comm: string } => ({ ts, cpu_cores: cpu, top_comm: 'x' });

/** What the window read before: every kept value within 1.5 s of [from, to], in arrival order. */
const filtered = <T extends { ts: number }>(s: readonly T[], from: number, to: number): T[] => s.filter((t) => t.ts >= from - 1500 && t.ts <= to + 1500);

describe('HostState series: an hour kept, a window cut by binary search', () => {
  it('cuts the same window as a filter over the hour, whether ticks came in order, late or twice', () => {
    const arrival = fc.array(fc.integer({ min: 0, max: 90 }).map((s) => T + s * 1000), { maxLength: 150 });
    fc.assert(fc.property(arrival, fc.boolean(), fc.integer({ min: -3, max: 93 }), fc.integer({ min: 0, max: 30 }), (ts, sorted, from, len) => {
      const h = new HostState('h');
      for (const t of sorted ? [...ts].sort((a, b) => a - b) : ts) h.addBackground(bg(t));
      const [a, b] = [T + from * 1000, T + (from + len) * 1000];
      expect(h.between(h.background, a, b)).toEqual(filtered(h.background, a, b));
    }), { numRuns: 300 });
  });

  it('evicts what is older than the host history as time moves on, and windows only what is kept', () => {
    const h = new HostState('h');
    const step = 60_000;
    for (let t = 0; t <= HOST_HISTORY_MS + 10 * step; t += step) h.addBackground(bg(T + t));
    expect(h.background[0]?.ts).toBe(T + 10 * step);
    expect(h.between(h.background, T, T + 12 * step).map((b) => b.ts)).toEqual([10, 11, 12].map((i) => T + i * step));
  });

  it('keeps one load per run and tick: a repeat replaces it, so a replay never doubles the outside load', () => {
    const h = new HostState('h');
    for (const [ts, run_id, cpu_cores] of [[T, 'a', 1], [T, 'b', 2], [T + 1000, 'a', 1], [T, 'b', 2], [T - 1000, 'a', 0.5], [T - 1000, 'a', 0.5]] as const) h.addRunLoad({ ts, run_id, cpu_cores });
    expect(h.runLoads.map((l) => [l.ts - T, l.run_id])).toEqual([[0, 'a'], [0, 'b'], [1000, 'a'], [-1000, 'a']]);
    expect(h.outsideFor('a', T - 1000, T + 1000).map((o) => [o.ts - T, o.cpu_cores])).toEqual([[0, 2]]);
  });
});
