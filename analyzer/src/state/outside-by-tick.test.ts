import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostState } from './host-state.ts';
import { OUTSIDE_KEEP_MS } from './outside-by-tick.ts';
import { outsideOf } from './run-load.ts';

const T = 1_700_000_000_000;

type Step = { kind: 'bg' | 'load' | 'ask'; tick: number; run: string; cores: number };

const step = fc.record({
  kind: fc.constantFrom<Step['kind']>('bg', 'load', 'load', 'ask'),
  tick: fc.integer({ min: 0, max: 30 }),
  run: fc.constantFrom('a', 'b', 'c', 'd'),
  cores: fc.integer({ min: 0, max: 16 }).map((q) => q / 4),
});

/** Feeds steps in time order where `sorted` (a tick never goes back), in any order otherwise. */
function replay(steps: readonly Step[], sorted: boolean, ask: (h: HostState, s: Step) => void): void {
  const h = new HostState('h');
  let bgTick = -1;
  const ordered = sorted ? [...steps].sort((x, y) => x.tick - y.tick) : steps;
  for (const s of ordered) {
    const ts = T + s.tick * 1000;
    if (s.kind === 'bg' && (!sorted || s.tick > bgTick)) {
      h.addBackground({ ts, cpu_cores: s.cores, top_comm: `c${s.tick}` });
      bgTick = s.tick;
    } else if (s.kind === 'load') h.addRunLoad({ ts, run_id: s.run, cpu_cores: s.cores });
    else ask(h, s);
  }
}

describe('outside load kept per tick and run', () => {
  it('gives what outsideOf gives over the window at every question, while loads and background arrive, repeat and replace', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 300 }), fc.boolean(), fc.integer({ min: 1, max: 20 }), (steps, sorted, len) => {
      replay(steps, sorted, (h, s) => {
        const [from, to] = [T + (s.tick - len) * 1000, T + s.tick * 1000];
        const fresh = outsideOf(s.run, h.between(h.background, from, to), h.between(h.runLoads, from, to));
        // Twice: the second answer comes from what the first kept.
        expect(h.outsideFor(s.run, from, to)).toEqual(fresh);
        expect(h.outsideFor(s.run, from, to)).toEqual(fresh);
      });
    }), { numRuns: 400 });
  });

  it('sees a load or background that came after the tick was asked about, and a load that replaced one', () => {
    const h = new HostState('h');
    h.addBackground({ ts: T, cpu_cores: 0.5, top_comm: 'cron' });
    h.addRunLoad({ ts: T, run_id: 'a', cpu_cores: 1 });
    expect(h.outsideFor('a', T, T)).toEqual([{ ts: T, cpu_cores: 0.5, top_comm: 'cron' }]);
    h.addRunLoad({ ts: T, run_id: 'b', cpu_cores: 2 });
    expect(h.outsideFor('a', T, T).map((o) => [o.cpu_cores, o.top_comm])).toEqual([[2.5, 'run b']]);
    h.addRunLoad({ ts: T, run_id: 'b', cpu_cores: 0.25 });
    expect(h.outsideFor('a', T, T).map((o) => [o.cpu_cores, o.top_comm])).toEqual([[0.75, 'cron']]);
    // The background of a tick can come after its loads.
    h.addRunLoad({ ts: T + 1000, run_id: 'b', cpu_cores: 1 });
    expect(h.outsideFor('a', T + 1000, T + 1000).map((o) => [o.ts - T, o.cpu_cores, o.top_comm])).toEqual([[0, 0.75, 'cron'], [1000, 1, 'run b']]);
    h.addBackground({ ts: T + 1000, cpu_cores: 3, top_comm: 'backup' });
    expect(h.outsideFor('a', T + 1000, T + 1000).map((o) => [o.ts - T, o.cpu_cores, o.top_comm])).toEqual([[0, 0.75, 'cron'], [1000, 4, 'backup']]);
  });

  it('answers for ticks older than it keeps, from the series', () => {
    const h = new HostState('h');
    for (let s = 0; s * 1000 <= 2 * OUTSIDE_KEEP_MS; s += 10) for (const run_id of ['a', 'b']) h.addRunLoad({ ts: T + s * 1000, run_id, cpu_cores: s });
    const end = T + 2 * OUTSIDE_KEEP_MS;
    expect(h.outsideFor('a', T, end)).toEqual(outsideOf('a', h.between(h.background, T, end), h.between(h.runLoads, T, end)));
  });
});
