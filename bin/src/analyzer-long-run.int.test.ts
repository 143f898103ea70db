import { AnalyzerService } from '@runlens/analyzer';
import { MemoryBus, openChdbStore } from '@runlens/pipeline';
import { catalogRow } from '@runlens/pipeline/testing/catalog-row';
import { type Row, silentLogger } from '@runlens/schemas';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentSender, capturedRows } from './testing/bus-rows.ts';

const RUN = 'r-long';
const SECONDS = 50 * 60;
// Ticks from now on (the run is never quiet long enough to be closed as stale while it is fed fast).
const T0 = Math.floor(Date.now() / 1000) * 1000;
const HOSTS = { a: [0, 1], b: [2, 3] } as const;
/** Rank 3 does a tenth of the others' work: load_imbalance's light rank. */
const cores = (rank: number): number => (rank === 3 ? 0.1 : 0.9);

const runRow = (end: boolean): Row<'runs'> => catalogRow('runs', {
  run_id: RUN, app: 'solver', user: 'u', cluster: 'c', cmd: 'solver', status: end ? 'finished' : 'running', start_ts: T0 - 500,
  end_ts: end ? T0 + SECONDS * 1000 : null, updated_ts: end ? T0 + SECONDS * 1000 : T0, exit_code: end ? 0 : null, hosts: ['a', 'b'], ranks: 4, alloc_cores: 2,
});

const procs = (host: keyof typeof HOSTS, i: number): Row<'process_samples'>[] => HOSTS[host].map((rank) => catalogRow('process_samples', {
  ts: T0 + i * 1000 + (host === 'a' ? 100 : 600), host, run_id: RUN, rank, local_rank: rank % 2, pid: 100 + rank, start_ticks: 1, comm: 'solver',
  state: 'R', interval_s: 1, cpu_user_cores: cores(rank), cpu_sys_cores: 0, threads: 1, rss_bytes: 1e9 + (i === 1234 && rank === 0 ? 5e8 : 0),
}));

/**
 * A run of 50 minutes on two hosts through the real analyzer (memory bus, chDB): its state stays
 * within the bound its older history is merged to (tick-series.ts), and its end still gives the
 * whole run's summary (every core-second, the peak RSS) and its finding over the merged history.
 */
describe('a long run through the analyzer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-long-'));
  const bus = new MemoryBus(2);
  afterAll(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds a 50-minute run in bounded state and judges the whole of it at its end', async () => {
    const store = await openChdbStore({ path: join(dir, 'chdb'), database: 'long' });
    const analyzer = new AnalyzerService({ bus, store, log: silentLogger, agentId: 'analyzer-test' });
    await analyzer.start();
    const out = await capturedRows(bus, ['findings', 'run_summaries']);
    const send = agentSender(bus);
    await send('runs', [runRow(false)], RUN);
    // A minute of ticks at a time, as a backlog drains; each minute evaluated once it is complete.
    for (let i = 0; i < SECONDS; i += 60) {
      for (let k = i; k < i + 60; k++) for (const host of ['a', 'b'] as const) await send('process_samples', procs(host, k), host);
      await analyzer.drained();
    }
    const state = analyzer.state.runs.get(RUN);
    expect(state?.hostTicks.get('a')?.size).toBeLessThan(SECONDS / 2 + 700);
    expect(state?.rankTicks.get(3)?.ticks.size).toBeLessThan(SECONDS / 2 + 700);

    await send('runs', [runRow(true)], RUN);
    await analyzer.finishNow(RUN);
    for (let i = 0; i < 200 && !out.get('run_summaries')?.length; i++) await new Promise((r) => setTimeout(r, 25));
    await analyzer.stop();
    await store.close();

    const [summary, ...more] = (out.get('run_summaries') ?? []) as Row<'run_summaries'>[];
    expect(more).toEqual([]);
    const coreSeconds = SECONDS * (0.9 * 3 + 0.1);
    expect(summary?.cpu_s ?? 0).toBeGreaterThan(coreSeconds * 0.99);
    expect(summary?.cpu_s ?? 0).toBeLessThan(coreSeconds * 1.01);
    // Rank 0's one-second peak, 20 minutes into the run, survives its bucket: 4 × 1 GB and 0.5 GB more.
    expect(summary?.peak_rss_bytes).toBe(4 * 1e9 + 5e8);
    const verdict = (out.get('findings') ?? []) as Row<'findings'>[];
    const imbalance = verdict.filter((f) => f.kind === 'load_imbalance').at(-1);
    expect(imbalance?.message).toContain('light ranks 3');
    // The verdict spans the whole run, not the last 10 minutes it holds as they came.
    expect((imbalance?.end_ts ?? 0) - (imbalance?.start_ts ?? 0)).toBeGreaterThan((SECONDS - 120) * 1000);
  }, 120_000);
});
