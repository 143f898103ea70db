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

  it('a process streaming through syscalls (sockets, pipes) is not idle', () => {
    expect(idle.evaluate(makeWindow({ n: 30, tick: () => ({ syscall_bytes_per_s: 100 * 1024 }) }))).toEqual([]);
    expect(idle.evaluate(makeWindow({ n: 30, tick: () => ({ storage_bytes_per_s: 100 * 1024 }) }))).toEqual([]);
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
