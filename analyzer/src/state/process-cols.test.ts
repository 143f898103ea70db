import { type Row, SCHEMA_VERSION, decodeMessage, encodeMessage, topicFor } from '@runlens/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalyzerState } from './analyzer-state.ts';
import { colsOfBatch } from './process-cols.ts';

const T = 1_700_000_000_000;

const proc = fc.record({
  ts: fc.integer({ min: 0, max: 3 }).map((s) => T + s * 1000), host: fc.constantFrom('a', 'b'), run_id: fc.constantFrom('', 'r1', 'r2', 'runlens-self'),
  rank: fc.option(fc.integer({ min: 0, max: 3 })), pid: fc.integer({ min: 1, max: 50 }), comm: fc.constantFrom('solver', 'cron', 'sshd'),
  state: fc.constantFrom('R', 'S', 'D', 'T', 't'), interval_s: fc.double({ min: 0.1, max: 1.2, noNaN: true }),
  cpu_user_cores: fc.double({ min: 0, max: 2, noNaN: true }), cpu_sys_cores: fc.double({ min: 0, max: 1, noNaN: true }), run_delay_cores: fc.double({ min: 0, max: 1, noNaN: true }),
  rss_bytes: fc.integer({ min: 0, max: 1e9 }), threads: fc.integer({ min: 1, max: 8 }), busy_threads: fc.option(fc.integer({ min: 0, max: 8 })),
  read_bytes_per_s: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })), write_bytes_per_s: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
  rchar_per_s: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })), wchar_per_s: fc.constant(null), syscr_per_s: fc.option(fc.nat()), syscw_per_s: fc.option(fc.nat()),
  invol_ctxsw_per_s: fc.double({ min: 0, max: 1e4, noNaN: true }),
}).map((r): Row<'process_samples'> => ({
  ...r, local_rank: null, ppid: 1, start_ticks: 1, hwm_bytes: 0, vm_bytes: 0, vol_ctxsw_per_s: 0, minflt_per_s: 0, majflt_per_s: 0, last_cpu: 0,
}));

/** Everything a run's window and its hosts' background hold. */
function seen(s: AnalyzerState): unknown {
  const runs = [...s.runs.values()].map((r) => ({ id: r.run_id, window: r.window(s.hosts), pids: [...r.pids] }));
  return { runs, background: [...s.hosts.values()].map((h) => [h.host, h.background]) };
}

describe('process samples as columns', () => {
  it('give the analyzer the same ticks, ranks, pids and background as the rows they were encoded from', () => {
    fc.assert(fc.property(fc.array(proc, { minLength: 1, maxLength: 30 }), (rows) => {
      const byRows = new AnalyzerState();
      byRows.add('process_samples', rows);
      const d = decodeMessage({ topic: topicFor('process_samples'), value: encodeMessage('process_samples', rows, { agentId: 'a', seq: 0 }, 'h').value, headers: { schema_version: String(SCHEMA_VERSION) } });
      if (d.kind !== 'ok' || !d.value.columns) throw new Error('no columns');
      const byColumns = new AnalyzerState();
      for (const b of d.value.columns) byColumns.addProcessCols(colsOfBatch(b));
      expect(seen(byColumns)).toEqual(seen(byRows));
    }), { numRuns: 150 });
  });
});
