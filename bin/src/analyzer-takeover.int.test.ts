import { AnalyzerService } from '@runlens/analyzer';
import { MemoryBus, openChdbStore } from '@runlens/pipeline';
import { catalogRow } from '@runlens/pipeline/testing/catalog-row';
import { type Row, silentLogger } from '@runlens/schemas';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentSender, capturedRows } from './testing/bus-rows.ts';

const RUN = 'r-taken-over';
const SECONDS = 8 * 60;
const T0 = Math.floor(Date.now() / 1000) * 1000 - SECONDS * 1000;
/** Rank 3 slows to a tenth of the others' work five minutes in: load_imbalance from then on. */
const cores = (rank: number, i: number): number => (rank === 3 && i >= 300 ? 0.1 : 0.9);

const runRow = (end: boolean): Row<'runs'> => catalogRow('runs', {
  run_id: RUN, app: 'solver', user: 'u', cluster: 'c', cmd: 'solver', status: end ? 'finished' : 'running', start_ts: T0 - 500,
  end_ts: end ? T0 + SECONDS * 1000 : null, updated_ts: end ? T0 + SECONDS * 1000 : T0, exit_code: end ? 0 : null, hosts: ['a'], ranks: 4, alloc_cores: 4,
});

const procs = (i: number): Row<'process_samples'>[] => [0, 1, 2, 3].map((rank) => catalogRow('process_samples', {
  ts: T0 + i * 1000 + 300, host: 'a', run_id: RUN, rank, local_rank: rank, pid: 100 + rank, start_ticks: 1, comm: 'solver',
  state: 'R', interval_s: 1, cpu_user_cores: cores(rank, i), cpu_sys_cores: 0, threads: 1, rss_bytes: 1e9,
}));

/** What the replica killed at 6:40 had published, as its ingest stored it: an open imbalance raised at 5:05 (its window from 4:05), a leak warning seen early. */
const previousOwner = (): Row<'findings'>[] => [
  catalogRow('findings', {
    run_id: RUN, finding_id: `load_imbalance:run::${T0 + 245_000}`, kind: 'load_imbalance', severity: 'warning', scope: 'run', scope_id: '', host: 'a',
    start_ts: T0 + 245_300, end_ts: T0 + 400_300, confidence: 0.9, message: 'Load imbalance', advice: 'a', evidence: '{}', updated_ts: T0 + 400_500,
  }),
  catalogRow('findings', {
    run_id: RUN, finding_id: `memory_leak:run::${T0 + 10_000}`, kind: 'memory_leak', severity: 'warning', scope: 'run', scope_id: '', host: 'a',
    start_ts: T0 + 10_300, end_ts: T0 + 100_300, confidence: 0.6, message: 'Memory leak', advice: 'a', evidence: '{}', updated_ts: T0 + 100_500,
  }),
];

/**
 * A replica taking over a running run (its owner killed -9, a rebalance) judges it from a later
 * tick than the owner did: the findings the owner published continue under their ids, through the
 * final verdict, and a warning the verdict does not confirm is restated under its id. Before, the
 * imbalance opened a second id: the store held it twice.
 */
describe('a run taken over from another replica', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-takeover-'));
  const bus = new MemoryBus(2);
  afterAll(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('continues the published episodes under their ids', async () => {
    const store = await openChdbStore({ path: join(dir, 'chdb'), database: 'takeover' });
    await store.insertRows('findings', previousOwner());
    const analyzer = new AnalyzerService({ bus, store, log: silentLogger, agentId: 'survivor' });
    await analyzer.start();
    const out = await capturedRows(bus, ['findings']);
    const send = agentSender(bus);
    await send('runs', [runRow(false)], RUN);
    // The backlog up to 7:00 as the new owner reads it, then the run goes on live to its end.
    for (let i = 0; i < 420; i++) await send('process_samples', procs(i), 'a');
    await analyzer.drained();
    for (let i = 420; i < SECONDS; i++) {
      await send('process_samples', procs(i), 'a');
      if (i % 10 === 0) await analyzer.drained();
    }
    await send('runs', [runRow(true)], RUN);
    await analyzer.finishNow(RUN);
    const published = (): Row<'findings'>[] => (out.get('findings') ?? []) as Row<'findings'>[];
    for (let i = 0; i < 200 && !published().some((f) => f.severity === 'info' && f.kind === 'memory_leak'); i++) await new Promise((r) => setTimeout(r, 25));
    await analyzer.stop();
    await store.close();

    const findings = published();
    const ids = (kind: string): string[] => [...new Set(findings.filter((f) => f.kind === kind).map((f) => f.finding_id))];
    expect(ids('load_imbalance')).toEqual([`load_imbalance:run::${T0 + 245_000}`]);
    const verdict = findings.filter((f) => f.kind === 'load_imbalance').at(-1);
    expect(verdict?.message).toContain('light ranks 3');
    // The leak the whole run does not confirm stays under its id, restated as info.
    const leak = findings.filter((f) => f.kind === 'memory_leak');
    expect(leak.map((f) => [f.finding_id, f.severity])).toEqual([[`memory_leak:run::${T0 + 10_000}`, 'info']]);
    expect(JSON.parse(leak[0]?.evidence ?? '{}')).toMatchObject({ live_only: true, live_severity: 'warning' });
  }, 120_000);
});

/**
 * A rebalance hands a partition over at once, and ingest stores findings about a second after they
 * are published: the new owner may find none of the previous owner's findings in the store. It
 * meets them in the run's partition instead, where the owner copied them after the data they were
 * found in (RunOwnership.published), while it replays the run. Here no ingest runs at all, so the
 * store never holds them; before the copies, the new owner opened the imbalance under a second id.
 */
describe('a run handed over by a rebalance before its findings are stored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-handover-'));
  const bus = new MemoryBus(2);
  afterAll(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('continues the episodes the previous owner copied into the run\'s partition', async () => {
    const store = await openChdbStore({ path: join(dir, 'chdb'), database: 'handover' });
    const replica = (name: string): AnalyzerService => new AnalyzerService({ bus, store, log: silentLogger, agentId: name, holdForReplay: true });
    const out = await capturedRows(bus, ['findings']);
    const imbalance = (): Row<'findings'>[] => ((out.get('findings') ?? []) as Row<'findings'>[]).filter((f) => f.kind === 'load_imbalance');
    const until = async (done: () => boolean): Promise<void> => {
      for (let i = 0; i < 800 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
    };
    const send = agentSender(bus);
    const first = replica('first');
    await first.start();
    await send('runs', [runRow(false)], RUN);
    for (let i = 0; i < 360; i++) {
      await send('process_samples', procs(i), 'a');
      if (i % 20 === 0) await first.drained();
    }
    await until(() => imbalance().length > 0);
    expect(imbalance().length).toBeGreaterThan(0);
    await first.stop();
    const byFirst = imbalance().length;

    // The second replica gets every partition, replays the run from its first message, and judges it from 6:00 on.
    const second = replica('second');
    await second.start();
    for (let i = 360; i < SECONDS; i++) {
      await send('process_samples', procs(i), 'a');
      if (i % 20 === 0) await second.drained();
    }
    await send('runs', [runRow(true)], RUN);
    await second.finishNow(RUN);
    await until(() => imbalance().slice(byFirst).some((f) => f.message.includes('light ranks 3')));
    await second.stop();
    await store.close();

    const ids = [...new Set(imbalance().map((f) => f.finding_id))];
    expect(imbalance().length).toBeGreaterThan(byFirst);
    expect(ids).toEqual([imbalance()[0]?.finding_id]);
  }, 150_000);
});

