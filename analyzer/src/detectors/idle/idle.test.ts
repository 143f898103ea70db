import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { T0, makeWindow } from '../testdata/windows.ts';
import { idle } from './index.ts';

/** Busy for 5 ticks, idle for `quiet` ticks, then busy for 5 more. */
const busyQuietBusy = (quiet: number) =>
  makeWindow({ n: 10 + quiet, tick: (i) => (i < 5 || i >= 5 + quiet ? { cpu_cores: 1 } : {}) });

describe('idle', () => {
  it('fires for 20 s of zero activity inside a run, and carries the thresholds', () => {
    const [f, ...rest] = idle.evaluate(busyQuietBusy(20));
    expect(rest).toEqual([]);
    expect(f?.kind).toBe('idle');
    // From the last busy tick (t=4 s) to the last idle one (t=24 s).
    expect([f?.start_ts, f?.end_ts]).toEqual([T0 + 4000, T0 + 24_000]);
    expect(f?.severity).toBe('info');
    expect(f?.evidence).toEqual({ idle_s: 20, cpu_cores_threshold: 0.02, bytes_per_s_threshold: 64 * 1024, min_idle_s: 10 });
    expect(f?.confidence).toBe(0.8);
  });

  it('does not fire for 5 s of zero activity', () => {
    expect(idle.evaluate(busyQuietBusy(5))).toEqual([]);
  });

  it('is a warning when the whole run is idle', () => {
    const [f] = idle.evaluate(makeWindow({ n: 21, tick: () => ({}) }));
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.idle_s).toBe(20);
    expect(f?.message).toContain('during the whole run');
  });

  it('is a warning for a run idle since its start-up: a tick of CPU, then the command\'s RSS appearing', () => {
    // `runlens run -- sleep 12`: the wrapper shell (0.03 cores: one 10 ms clock tick), then `sleep`
    // exec'd beside it (RSS 1.6 -> 3.2 MB), then nothing from the third sample on.
    const rss = (i: number): number => (i === 0 ? 1.6e6 : 3.2e6);
    const [f] = idle.evaluate(makeWindow({ n: 13, tick: (i) => ({ rss_bytes: rss(i), cpu_cores: i === 0 ? 0.03 : 0 }) }));
    expect(f?.severity).toBe('warning');
    expect(f?.message).toContain('during the whole run');
    // On a loaded machine the start-up spreads over more samples; it is still only a start-up.
    const slow = (i: number): number => (i === 0 ? 1.6e6 : i === 1 ? 2.4e6 : 3.2e6);
    expect(idle.evaluate(makeWindow({ n: 14, tick: (i) => ({ rss_bytes: slow(i), cpu_cores: i < 2 ? 0.03 : 0 }) }))[0]?.severity).toBe('warning');
  });

  it('is not the whole run when the run worked for its first seconds', () => {
    const [f] = idle.evaluate(makeWindow({ n: 16, tick: (i) => (i < 4 ? { cpu_cores: 1 } : {}) }));
    expect(f?.severity).toBe('info');
  });

  it('a process streaming through syscalls (sockets, pipes) is not idle', () => {
    expect(idle.evaluate(makeWindow({ n: 30, tick: () => ({ syscall_bytes_per_s: 100 * 1024 }) }))).toEqual([]);
    expect(idle.evaluate(makeWindow({ n: 30, tick: () => ({ storage_bytes_per_s: 100 * 1024 }) }))).toEqual([]);
  });
});

describe('idle: a stopped or D-stuck process is immediate evidence', () => {
  /** 10 busy ticks at 0.1 core, then SIGSTOP during tick 10 (still busy, already state T), then `stopped` idle ticks in T. */
  const stoppedAfter = (stopped: number) => makeWindow({ n: 11 + stopped, tick: (i) => (i < 10 ? { cpu_cores: 0.1 } : i === 10 ? { cpu_cores: 0.05, stopped_procs: 1 } : { stopped_procs: 1 }) });

  it('fires on the second tick that shows the process stopped, with the state as evidence', () => {
    const [f, ...rest] = idle.evaluate(stoppedAfter(1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'idle', start_ts: T0 + 10_000, end_ts: T0 + 11_000, confidence: 0.9 });
    expect(f?.evidence).toMatchObject({ process_state: 'T', idle_s: 1 });
    expect(f?.message).toContain('Stopped (process state T)');
    expect(f?.advice).toContain('kill -CONT');
  });

  it('one tick in state T is not enough (the stop may be a blip), nor is a stopped process that still computes', () => {
    expect(idle.evaluate(makeWindow({ n: 12, tick: (i) => (i < 11 ? { cpu_cores: 0.1 } : { cpu_cores: 0.05, stopped_procs: 1 }) }))).toEqual([]);
    expect(idle.evaluate(makeWindow({ n: 12, tick: () => ({ cpu_cores: 0.5, stopped_procs: 1 }) }))).toEqual([]);
  });

  it('a process in D with nothing moving fires after 5 s, not 10; D with IO progress is not idle', () => {
    const stuck = (n: number) => makeWindow({ n: 5 + n, tick: (i) => (i < 5 ? { cpu_cores: 1 } : { d_state_procs: 1 }) });
    expect(idle.evaluate(stuck(4))).toEqual([]);
    const [f] = idle.evaluate(stuck(5));
    expect(f?.evidence).toMatchObject({ process_state: 'D', idle_s: 5 });
    expect(f?.message).toContain('state D');
    expect(idle.evaluate(makeWindow({ n: 30, tick: () => ({ d_state_procs: 1, storage_bytes_per_s: 50 * 1024 * 1024 }) }))).toEqual([]);
  });

  it('a long plain idle stretch still says idle, without a process state', () => {
    const [f] = idle.evaluate(busyQuietBusy(20));
    expect(f?.evidence.process_state).toBeUndefined();
  });
});

describe('idle on captured windows (testdata/, 2-core VM)', () => {
  it('reports the 20 s `sleep` between two bursts of burn.mjs, from the tick after the first burn exits', () => {
    const [f, ...rest] = idle.evaluate(recordedHost('idle', 'hang20', 1));
    expect(rest).toEqual([]);
    // The exit of the first burn frees 40 MB of RSS at t=4 s: memory still moving, so not idle yet.
    expect(f).toMatchObject({ kind: 'idle', severity: 'info', scope: 'run', confidence: 0.78, start_ts: T0 + 5008, end_ts: T0 + 23_035 });
    expect(f?.evidence).toEqual({ idle_s: 18, cpu_cores_threshold: 0.02, bytes_per_s_threshold: 64 * 1024, min_idle_s: 10 });
    expect(f?.message).not.toContain('whole run');
  });

  it('is silent for an 8 s `sleep` between the bursts (6 s of flat RSS and no CPU)', () => {
    expect(idle.evaluate(recordedHost('idle', 'hang8', 1))).toEqual([]);
  });
});
