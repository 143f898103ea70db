import type { Row } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { AnalyzerState } from './analyzer-state.ts';
import { colsOfRows } from './process-cols.ts';
import { outsideAnyOrder, outsideOf, runLoadRows } from './run-load.ts';

const T = 1_700_000_000_000;

function row(run_id: string, pid: number, cores: number, ts = T): Row<'process_samples'> {
  return {
    ts, host: 'h1', run_id, rank: null, local_rank: null, pid, ppid: 1, start_ticks: pid, comm: `p${pid}`, state: 'R', interval_s: 1,
    cpu_user_cores: cores, cpu_sys_cores: 0, run_delay_cores: 0.5, rss_bytes: 1e6, hwm_bytes: 1e6, vm_bytes: 1e7,
  } as unknown as Row<'process_samples'>;
}

describe('run load: other runs on the host are outside load', () => {
  it('sums each run per host and tick into one row, leaving out the background and RunLens itself', () => {
    const load = runLoadRows(colsOfRows([row('a', 10, 0.5), row('a', 11, 0.25), row('b', 20, 1), row('', 30, 2), row('runlens-self', 40, 0.1), row('a', 10, 0.75, T + 1000)]));
    expect(load.map((r) => [r.run_id, r.ts, r.pid, r.cpu_user_cores, r.run_delay_cores])).toEqual([
      ['a', T, 0, 0.75, 1], ['b', T, 0, 1, 0.5], ['a', T + 1000, 0, 0.75, 0.5],
    ]);
  });

  it('a run sees the others\' CPU added to the background, the busiest named; never its own', () => {
    const bg = [{ ts: T, cpu_cores: 0.2, top_comm: 'cron' }, { ts: T + 1000, cpu_cores: 1.5, top_comm: 'backup' }];
    const loads = [{ ts: T, run_id: 'a', cpu_cores: 1.8 }, { ts: T, run_id: 'b', cpu_cores: 0.9 }, { ts: T + 1000, run_id: 'b', cpu_cores: 0.4 }, { ts: T + 2000, run_id: 'b', cpu_cores: 1 }];
    expect(outsideOf('a', bg, loads)).toEqual([
      { ts: T, cpu_cores: 1.1, run_cores: 0.9, top_run: 'b', top_comm: 'run b' },
      { ts: T + 1000, cpu_cores: 1.9, run_cores: 0.4, top_run: 'b', top_comm: 'backup' },
      { ts: T + 2000, cpu_cores: 1, run_cores: 1, top_run: 'b', top_comm: 'run b' },
    ]);
    expect(outsideOf('b', bg, loads)[0]).toEqual({ ts: T, cpu_cores: 2, run_cores: 1.8, top_run: 'a', top_comm: 'run a' });
    expect(outsideOf('c', bg, [])).toEqual(bg);
  });

  it('series in time order are merged in one walk, to the same ticks, values and names as in any order', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 300; trial++) {
      const bg = Array.from({ length: 40 }, (_, i) => ({ ts: T + i * 1000, cpu_cores: Math.round(rand() * 8) / 4, top_comm: `c${i}` })).filter(() => rand() < 0.7);
      const loads = Array.from({ length: 40 }, (_, i) => ['a', 'b', 'c', 'b'].filter(() => rand() < 0.5).map((run_id) => ({ ts: T + i * 1000, run_id, cpu_cores: Math.round(rand() * 8) / 4 }))).flat();
      for (const run of ['a', 'b', 'z']) expect(outsideOf(run, bg, loads)).toEqual(outsideAnyOrder(run, bg, loads));
    }
    // A repeated background tick, or loads out of order, take the general way.
    const bg = [{ ts: T, cpu_cores: 0.5, top_comm: 'x' }, { ts: T, cpu_cores: 0.7, top_comm: 'y' }];
    const loads = [{ ts: T + 1000, run_id: 'b', cpu_cores: 1 }, { ts: T, run_id: 'b', cpu_cores: 2 }];
    expect(outsideOf('a', bg, loads)).toEqual(outsideAnyOrder('a', bg, loads));
    expect(outsideOf('a', bg, loads).map((o) => [o.ts - T, o.cpu_cores])).toEqual([[0, 2.7], [1000, 1]]);
  });

  it('reaches the run\'s window through the analyzer state', () => {
    const s = new AnalyzerState();
    s.add('process_samples', [row('a', 10, 1), row('', 30, 0.1)]);
    s.addRunLoads(colsOfRows(runLoadRows(colsOfRows([row('a', 10, 1), row('b', 20, 0.8)]))));
    const bg = s.runs.get('a')?.window(s.hosts).hosts?.[0]?.background;
    expect(bg?.map((b) => [b.cpu_cores, b.top_run, b.top_comm])).toEqual([[0.9, 'b', 'run b']]);
  });
});
