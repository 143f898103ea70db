import type { Row } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { runTotals } from '../model/run-totals.ts';
import type { RunTick } from '../window/run-window.ts';
import { FINE_MS, MAX_BUCKETS } from '../window/tick-series.ts';
import { RunState } from './run-state.ts';

const T = 1_700_000_000_000;
const tick = (ts: number, cores: number): RunTick => ({
  ts, cpu_cores: cores, user_cores: cores, sys_cores: 0, pegged_cpu_cores: 0, run_delay_cores: 0, rss_bytes: 1e9, storage_bytes_per_s: 0,
  write_bytes_per_s: 0, syscall_bytes_per_s: 0, syscalls_per_s: 0, invol_ctxsw_per_s: 0, majflt_per_s: 0, procs: 1, d_state_procs: 0, stopped_procs: 0, threads: 1,
});

/** Host a ticks at .100 from the start, host b at .600 from `bJoins` s on; each host one rank; one core each, 3 on b's second hour. */
function longRun(seconds: number, bJoins: number): RunState {
  const run = new RunState('long');
  for (let i = 0; i < seconds; i++) {
    run.addHostTick('a', tick(T + i * 1000 + 100, 1));
    run.addRankTick(0, 'a', tick(T + i * 1000 + 100, 1));
    if (i < bJoins) continue;
    const cores = i >= bJoins + 3600 ? 3 : 1;
    run.addHostTick('b', tick(T + i * 1000 + 600, cores));
    run.addRankTick(1, 'b', tick(T + i * 1000 + 600, cores));
  }
  return run;
}

describe('RunState: a long run\'s state is bounded', () => {
  it('keeps a 5-hour run in a bounded number of ticks per series', () => {
    const run = longRun(5 * 3600, 600);
    for (const s of [...run.hostTicks.values(), ...[...run.rankTicks.values()].map((r) => r.ticks)]) {
      expect(s.size).toBeLessThanOrEqual(FINE_MS / 1000 + 32 + MAX_BUCKETS);
    }
  });

  it('judges the whole run on one grid: hosts meet in the same buckets and the run\'s mean CPU is kept', () => {
    const seconds = 3 * 3600;
    const run = longRun(seconds, 1800);
    const w = run.window(new Map());
    const step = w.ticks[1]!.ts - w.ticks[0]!.ts;
    expect(step).toBe(16_000);
    expect(w.ticks.every((t, i) => i === 0 || t.ts - w.ticks[i - 1]!.ts === step)).toBe(true);
    // Raw: a's core for 3 h; b's 1 core from 0.5 h to 1.5 h, 3 cores after. Per bucket, the run's cores are both hosts' summed.
    const rawCoreSeconds = seconds + 3600 + 3 * (seconds - 1800 - 3600);
    const bucketed = w.ticks.reduce((a, t) => a + t.cpu_cores * step / 1000, 0);
    expect(bucketed / rawCoreSeconds).toBeCloseTo(1, 2);
    expect(w.ranks?.map((r) => r.ticks.length)).toEqual([Math.ceil(seconds * 1000 / step), Math.ceil((seconds - 1800) * 1000 / step)]);
  });

  it('takes a host\'s ticks that come an hour late (its agent\'s spool after an outage), on the run\'s grid', () => {
    const run = new RunState('late');
    for (let i = 0; i < 3600; i++) run.addHostTick('a', tick(T + i * 1000 + 100, 1));
    for (let i = 0; i < 3600; i++) run.addHostTick('b', tick(T + i * 1000 + 600, 1));
    run.addHostTick('a', tick(T + 3600_000 + 100, 1));
    const w = run.window(new Map());
    const step = (w.tick_s ?? 1) * 1000;
    expect(w.ticks.reduce((a, t) => a + t.cpu_cores * step / 1000, 0) / 7201).toBeCloseTo(1, 2);
    expect(run.hostTicks.get('b')?.size).toBeLessThan(2000);
  });

  it('gives the live window the ticks as they came', () => {
    const run = longRun(2 * 3600, 0);
    const w = run.window(new Map(), run.lastDataTs - 60_000);
    expect(w.ticks.length).toBe(61);
    expect(w.ranks?.[1]?.ticks.map((t) => t.ts % 1000)).toEqual(Array.from({ length: 61 }, () => 600));
  });
});

describe('RunState: a long run judged from its samples alone', () => {
  it('keeps the amounts a rate sums to, and the peak RSS, through the buckets', () => {
    const run = new RunState('samples');
    const seconds = 4 * 3600;
    let raw = { user: 0, peak: 0 };
    for (let i = 0; i < seconds; i++) {
      const t = { ...tick(T + i * 1000, 0.5 + (i % 5) / 10), rss_bytes: 1e9 + (i === 5000 ? 7e8 : (i % 97) * 1e6) };
      raw = { user: raw.user + t.user_cores, peak: Math.max(raw.peak, t.rss_bytes) };
      run.addHostTick('a', t);
    }
    const end: Row<'runs'> = {
      run_id: 'samples', app: 'a', user: 'u', cluster: 'c', job_id: '', sluid: '', step: '', cmd: 'x', status: 'finished', start_ts: T, end_ts: T + seconds * 1000,
      updated_ts: T, exit_code: 0, hosts: ['a'], ranks: 0, alloc_cores: 1, alloc_gpus: 0, tags: [], cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: 0, wchar: 0,
    };
    const w = run.window(new Map());
    expect(w.tick_s).toBe(16);
    const totals = runTotals(end, w);
    expect(totals?.cpu_user_s).toBeCloseTo(raw.user, 6);
    expect(totals?.peak_rss_bytes).toBe(raw.peak);
    // A live window is not bucketed and says nothing of it.
    expect(run.window(new Map(), run.lastDataTs - 60_000).tick_s).toBeUndefined();
  });
});
