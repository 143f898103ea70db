import { describe, expect, it } from 'vitest';
import { HOST_HISTORY_MS, HostState } from './host-state.ts';
import { outsideOf } from './run-load.ts';

const T = 1_700_000_000_000;

function host(ticks: number): HostState {
  const h = new HostState('h1');
  for (let i = 0; i < ticks; i++) {
    const ts = T + i * 1000;
    if (i % 3 !== 1) h.addBackground({ ts, cpu_cores: 0.1 * (i % 5), top_comm: `c${i}` });
    h.addRunLoad({ ts, run_id: 'a', cpu_cores: 1 });
    if (i % 4 !== 2) h.addRunLoad({ ts, run_id: 'b', cpu_cores: 0.05 * i });
    if (i % 7 === 0) h.addRunLoad({ ts, run_id: 'c', cpu_cores: 0.3 });
  }
  return h;
}

describe('outside load worked out once per tick', () => {
  it('gives what the walk over the whole series gives, for every run and window, asked again and again', () => {
    const h = host(90);
    for (const run of ['a', 'b', 'c', 'z']) {
      for (const [from, to] of [[T, T + 89_000], [T + 30_000, T + 89_000], [T + 31_000, T + 90_000], [T + 60_500, T + 70_000]] as const) {
        const expected = outsideOf(run, h.between(h.background, from, to), h.runLoadsBetween(from, to));
        expect(h.outsideFor(run, from, to)).toEqual(expected);
        expect(h.outsideFor(run, from, to)).toEqual(expected);
      }
    }
  });

  it('steps over the ticks it knows as their loads grow: each asked window gives what the walk gives', () => {
    const h = host(30);
    for (let i = 30; i < 120; i++) {
      const ts = T + i * 1000;
      // Ticks of one to three runs, and a replayed load (a new value) of a tick already worked out.
      for (const run of ['a', 'b', 'c'].slice(0, 1 + (i % 3))) h.addRunLoad({ ts, run_id: run, cpu_cores: 0.1 * i });
      if (i % 5 === 0) h.addRunLoad({ ts: ts - 3000, run_id: 'a', cpu_cores: 2 });
      const from = ts - 60_000;
      for (const run of ['a', 'b']) expect(h.outsideFor(run, from, ts)).toEqual(outsideOf(run, h.between(h.background, from, ts), h.runLoadsBetween(from, ts)));
    }
  });

  it('past the host\'s hour of history, with replayed rows, the times kept beside the series still find each tick', () => {
    const h = host(0);
    const hour = HOST_HISTORY_MS / 1000;
    for (let i = 0; i < hour + 400; i++) {
      const ts = T + i * 1000 + (i % 2) * 250;
      if (i % 3 !== 1) h.addBackground({ ts, cpu_cores: 0.1 * (i % 5), top_comm: `c${i}` });
      h.addRunLoad({ ts, run_id: 'a', cpu_cores: 1 });
      if (i % 4 !== 2) h.addRunLoad({ ts, run_id: 'b', cpu_cores: 0.01 * (i % 50) });
      // A replay: the same tick's rows again, with new values (they replace, never add a tick).
      if (i % 11 === 0) {
        h.addRunLoad({ ts, run_id: 'b', cpu_cores: 3 });
        h.addBackground({ ts, cpu_cores: 2, top_comm: 'replayed' });
      }
      if (i < hour - 100 || i % 13 !== 0) continue;
      const from = ts - 60_000;
      for (const run of ['a', 'b']) expect(h.outsideFor(run, from, ts)).toEqual(outsideOf(run, h.between(h.background, from, ts), h.runLoadsBetween(from, ts)));
    }
    // The oldest ticks were dropped: the history is the last hour.
    expect((h.runLoads[0]?.ts ?? 0) - T).toBeGreaterThanOrEqual(400 * 1000 - 1000);
  });

  it('a late run load or background row of a tick changes that tick, not the others', () => {
    const h = host(90);
    const before = h.outsideFor('a', T + 30_000, T + 89_000);
    h.addRunLoad({ ts: T + 50_000, run_id: 'b', cpu_cores: 4 });
    h.addBackground({ ts: T + 60_000, cpu_cores: 3, top_comm: 'backup' });
    const after = h.outsideFor('a', T + 30_000, T + 89_000);
    const at = (s: typeof after, ts: number) => s.find((o) => o.ts === ts);
    expect(at(after, T + 50_000)).toMatchObject({ run_cores: 4, top_run: 'b', top_comm: 'run b' });
    expect(at(after, T + 60_000)).toMatchObject({ top_comm: 'backup', cpu_cores: 3 + 0.05 * 60 });
    expect(after.filter((o) => o.ts !== T + 50_000 && o.ts !== T + 60_000)).toEqual(before.filter((o) => o.ts !== T + 50_000 && o.ts !== T + 60_000));
  });

  it('forgets the runs no longer asked about, however long the host runs', () => {
    const h = host(0);
    for (let i = 0; i < 1000; i++) {
      const ts = T + i * 1000;
      const run = `r${Math.floor(i / 100)}`;
      h.addRunLoad({ ts, run_id: run, cpu_cores: 1 });
      h.addRunLoad({ ts, run_id: 'other', cpu_cores: 1 });
      h.outsideFor(run, ts - 60_000, ts);
    }
    const held = (h as unknown as { outside: { size: number } }).outside.size;
    expect(held).toBeGreaterThanOrEqual(1);
    expect(held).toBeLessThanOrEqual(5);
    // A window older than the memo's span is still answered, without being remembered.
    expect(h.outsideFor('r0', T + 10_000, T + 20_000).map((o) => o.run_cores)).toEqual(Array(13).fill(1));
  });

  it('a late row of a tick too old to remember is not hidden by what was remembered', () => {
    const h = host(0);
    for (let i = 0; i < 400; i += 100) {
      h.addRunLoad({ ts: T + i * 1000, run_id: 'a', cpu_cores: 1 });
      h.addRunLoad({ ts: T + i * 1000, run_id: 'b', cpu_cores: 1 });
    }
    expect(h.outsideFor('a', T, T).map((o) => o.run_cores)).toEqual([1]);
    h.addRunLoad({ ts: T, run_id: 'b', cpu_cores: 2 });
    expect(h.outsideFor('a', T, T).map((o) => o.run_cores)).toEqual([2]);
  });
});
