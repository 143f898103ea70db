import { describe, expect, it } from 'vitest';
import type { RunTick } from '../window/run-window.ts';
import { RunState } from './run-state.ts';
import { mergeBySecond } from './tick-agg.ts';

const T = 1_700_000_000_000;

const tick = (ts: number, v: number): RunTick => ({
  ts, cpu_cores: v * 0.1, user_cores: v * 0.07, sys_cores: 0.01 * v, pegged_cpu_cores: v * 0.05, run_delay_cores: 0.003 * v, rss_bytes: v * 1e6 + 0.5,
  storage_bytes_per_s: v * 1.5e3, write_bytes_per_s: v, syscall_bytes_per_s: v * 3.3, syscalls_per_s: v / 3, invol_ctxsw_per_s: v / 7, majflt_per_s: 0,
  procs: 1 + (v % 3), d_state_procs: 0, stopped_procs: 0, threads: v % 5,
});

describe('a run on several hosts: its sums per second kept as ticks arrive', () => {
  it('give the windows mergeBySecond gives over the hosts\' ticks, to the bit: jitter, late and replayed ticks, hosts joining', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 20; trial++) {
      const run = new RunState(`r${trial}`);
      const hosts = ['h1', 'h2', 'h3', 'h4'].slice(0, 2 + (trial % 3));
      const phase = new Map(hosts.map((h) => [h, Math.floor(rand() * 900) - 450]));
      for (let s = 0; s < 420; s++) {
        for (const [i, h] of hosts.entries()) {
          // Hosts join at different seconds; some ticks come late, some twice with a new value.
          if (s < i * 40) continue;
          const ts = T + s * 1000 + (phase.get(h) ?? 0) + Math.floor(rand() * 60);
          run.addHostTick(h, tick(ts, Math.floor(rand() * 1000)));
          if (rand() < 0.05) run.addHostTick(h, tick(ts - 3000 - Math.floor(rand() * 2000), Math.floor(rand() * 1000)));
          if (rand() < 0.05) run.addHostTick(h, tick(ts, Math.floor(rand() * 1000)));
        }
        if (s % 7 !== 0) continue;
        for (const from of [T + s * 1000 - 60_000 + Math.floor(rand() * 1000), T + s * 1000 - 1000 * Math.floor(rand() * 400), 0]) {
          const w = run.window(new Map(), from);
          const views = w.hosts ?? [];
          // One host's ticks are the run's as they are; from two hosts on, summed per second.
          const expected = views.length === 1 ? views[0]?.ticks : mergeBySecond(views.map((h) => h.ticks));
          expect(w.ticks).toEqual(expected);
        }
      }
    }
  });
});
