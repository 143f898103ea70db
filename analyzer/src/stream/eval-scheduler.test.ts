import { describe, expect, it } from 'vitest';
import { QUIET, T0 } from '../detectors/testdata/windows.ts';
import { AnalyzerState } from '../state/analyzer-state.ts';
import type { RunState } from '../state/run-state.ts';
import { EvalScheduler, type EvalTarget } from './eval-scheduler.ts';

function recorder(): EvalTarget & { lives: [string, number][]; finals: string[] } {
  const r = {
    lives: [] as [string, number][], finals: [] as string[],
    live: async (run: RunState, tick: number) => void r.lives.push([run.run_id, tick]),
    finalise: async (run: RunState) => {
      run.finalised = true;
      r.finals.push(run.run_id);
    },
    failed: (e: unknown) => { throw e; },
  };
  return r;
}

const tick = (state: AnalyzerState, run: string, host: string, ts: number): void => state.run(run).addHostTick(host, { ...QUIET, ts });

describe('evaluation driven by data', () => {
  it('a run is due as soon as its newest tick is complete on all of its hosts', () => {
    const state = new AnalyzerState();
    const s = new EvalScheduler(state, recorder(), { graceMs: 1000 });
    tick(state, 'r', 'a', T0); tick(state, 'r', 'b', T0 + 300);
    const run = state.run('r');
    expect(s.dueTick(run, 0)).toBe(T0 + 300); // both hosts have this second (their ticks differ in phase)
    tick(state, 'r', 'a', T0 + 1000);
    expect(s.dueTick(run, 0)).toBeNull(); // b has not delivered its tick of this second yet
    tick(state, 'r', 'b', T0 + 1300);
    expect(s.dueTick(run, 10)).toBe(T0 + 1300);
  });

  it('waits a short grace for a late host, then evaluates without it', () => {
    const state = new AnalyzerState();
    const s = new EvalScheduler(state, recorder(), { graceMs: 1000 });
    tick(state, 'r', 'a', T0); tick(state, 'r', 'b', T0);
    tick(state, 'r', 'a', T0 + 1000);
    const run = state.run('r');
    expect(s.dueTick(run, 50_000)).toBeNull();
    expect(s.dueTick(run, 50_900)).toBeNull();
    expect(s.dueTick(run, 51_000)).toBe(T0 + 1000);
  });

  it('a host that left the run (its processes ended) no longer holds the run back', () => {
    const state = new AnalyzerState();
    const s = new EvalScheduler(state, recorder(), { graceMs: 1000, hostGoneMs: 5000 });
    tick(state, 'r', 'b', T0);
    for (let i = 0; i <= 6; i++) tick(state, 'r', 'a', T0 + i * 1000);
    expect(s.dueTick(state.run('r'), 0)).toBe(T0 + 6000);
  });

  it('new data is evaluated at once, not at the next timer; ended runs are finalised after the settle time', async () => {
    const state = new AnalyzerState();
    const target = recorder();
    const s = new EvalScheduler(state, target, { sweepMs: 3_600_000, settleMs: 0 });
    s.start();
    try {
      const now = Date.now();
      tick(state, 'r', 'a', now - 900);
      s.poke();
      await s.enqueue(async () => {});
      expect(target.lives).toEqual([['r', now - 900]]);
      s.poke();
      await s.enqueue(async () => {});
      expect(target.lives).toHaveLength(1); // nothing new: no second evaluation of the same tick
      tick(state, 'r', 'a', now + 100);
      s.poke(); s.poke(); s.poke(); // coalesced
      await s.enqueue(async () => {});
      expect(target.lives).toEqual([['r', now - 900], ['r', now + 100]]);
      state.run('r').setMeta({ run_id: 'r', end_ts: now, updated_ts: now - 10_000 } as unknown as Parameters<RunState['setMeta']>[0]);
      state.run('r').lastDataTs = now - 10_000;
      s.poke();
      await s.enqueue(async () => {});
      expect(target.finals).toEqual(['r']);
    } finally {
      await s.stop();
    }
  });

  it('a look after some runs\' data takes those runs and the ones waiting on time, not every run held', async () => {
    const state = new AnalyzerState();
    const target = recorder();
    const s = new EvalScheduler(state, target, { sweepMs: 3_600_000, graceMs: 50 });
    const now = Date.now();
    // w runs on two hosts and y is late with the newest tick; q runs on one.
    tick(state, 'w', 'x', now - 1000);
    tick(state, 'w', 'y', now - 1000);
    tick(state, 'w', 'x', now);
    tick(state, 'q', 'x', now);
    s.poke();
    await s.enqueue(async () => {});
    expect(target.lives).toEqual([['q', now]]); // w waits for y's tick of this second
    // Data only for q; w's grace passes meanwhile: a look after q's data takes w too, as a look at every run would.
    tick(state, 'q', 'x', now + 1000);
    await new Promise((res) => setTimeout(res, 120));
    s.poke(['q']);
    await s.enqueue(async () => {});
    expect(target.lives.slice(1)).toEqual([['w', now], ['q', now + 1000]]);
    // A run whose new data is not named is left for its own poke (or the sweep): nothing else looks at it.
    tick(state, 'w', 'x', now + 1000);
    tick(state, 'w', 'y', now + 1000);
    s.poke([]);
    await s.enqueue(async () => {});
    expect(target.lives).toHaveLength(3);
    s.poke(['w']);
    await s.enqueue(async () => {});
    expect(target.lives.slice(3)).toEqual([['w', now + 1000]]);
    await s.stop();
  });

  it('a run known only from its cgroup row (a short Slurm job) waits for its ticks and its end, instead of closing as stale at once', async () => {
    const state = new AnalyzerState();
    const target = recorder();
    const s = new EvalScheduler(state, target, { sweepMs: 3_600_000, settleMs: 0, staleMs: 60_000 });
    state.add('cgroup_samples', [{ run_id: 'job', host: 'a', cgroup: '/slurm_a/uid_1/job_1', ts: Date.now() - 1000 }]);
    s.poke();
    await s.enqueue(async () => {});
    expect(target.finals).toEqual([]);
    const now = Date.now();
    tick(state, 'job', 'a', now - 500);
    state.run('job').setMeta({ run_id: 'job', end_ts: now, updated_ts: now } as unknown as Parameters<RunState['setMeta']>[0]);
    s.poke();
    await s.enqueue(async () => {});
    expect(target.finals).toEqual(['job']);
    await s.stop();
  });
});
