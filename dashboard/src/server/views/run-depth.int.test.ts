import { seededStore } from '@runlens/pipeline/testing/seeded-store';
import { TEST_STORES } from '@runlens/pipeline/testing/test-stores';
import { findingsOfRun, mpiRankTotals, rankTotals, topProcesses } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { MULTI_CMD, MULTI_HOSTS, multiHostTimes, seedMultiHostRun } from '../../testing/multi-host-run.ts';
import { compareWithEarlier } from './compare.ts';
import { hostPanels } from './hosts.ts';
import { runTimelines } from './run-series.ts';

/**
 * The run page's depth on both stores: a 3-host MPI run whose third host is throttled and
 * loaded from outside (slow_node there), its hosts side by side, its process table, and its
 * comparison with an earlier run of the same app and command (another user's run not offered).
 */
const { t0: T0, end: END } = multiHostTimes();
const HOSTS = [...MULTI_HOSTS];

describe.each(TEST_STORES)('run page depth on %s', (_name, available, open) => {
  const ann = { user: 'ann', role: 'user' as const };
  const admin = { user: 'root', role: 'admin' as const };
  const scope = { run_id: 'm', hosts: HOSTS, start_ms: T0, end_ms: END };
  const db = seededStore(available, open, (store) => seedMultiHostRun(store, 'ann', { t0: T0, end: END }));

  it.runIf(available)('puts the hosts side by side: CPU against the allocation, run delay, outside load, findings and MPI ranks per host', async () => {
    const [timelines, ranks, mpi, findings] = await Promise.all([runTimelines(db.store, scope, 1000), rankTotals(db.store, 'm'), mpiRankTotals(db.store, 'm'), findingsOfRun(db.store, 'm')]);
    expect(findings.map((f) => f.kind).sort()).toEqual(['cpu_bound', 'slow_node']);
    const panels = hostPanels({ hosts: HOSTS, allocCores: 2, timelines, findings, ranks, mpi });
    expect(panels.map((p) => [p.host, p.marked])).toEqual([['n1', []], ['n2', []], ['n3', ['slow_node']]]);
    const [n1, , n3] = panels;
    expect(n1?.cpu_share).toBeCloseTo(1);
    expect(n3?.cpu_mean).toBeCloseTo(0.8);
    expect(n3?.cpu_share).toBeCloseTo(0.4);
    expect(n3?.outside_mean).toBeCloseTo(1.5);
    expect(n1?.outside_mean ?? 0).toBe(0);
    // The run delay stacked on the run's CPU: n3's two ranks wait 0.3 cores each, n1's none.
    expect(n3?.delay_mean).toBeCloseTo(0.6);
    expect(n1?.delay_mean).toBe(0);
    expect(n3?.delay?.points).toHaveLength(10);
    expect(n3?.rss_peak).toBe(2 * 100e6 + 104 + 105);
    expect(n3?.io_mean).toBeCloseTo(2e6);
    expect(n3?.findings.map((f) => f.kind)).toEqual(['slow_node']);
    expect(n1?.findings).toEqual([]);
    expect(n3?.ranks.map((r) => [r.rank, r.cpu_s?.toFixed(3), r.mpi_share])).toEqual([[4, '4.000', 0.05], [5, '4.000', 0.05]]);
    expect(n1?.ranks.map((r) => r.mpi_share)).toEqual([0.6, 0.6]);
  });

  it.runIf(available)('lists the run\'s processes with host, rank, CPU, RSS and IO', async () => {
    const procs = await topProcesses(db.store, 'm', 50);
    expect(procs).toHaveLength(6);
    expect(procs.slice(-2).map((p) => [p.host, Number(p.rank)]).sort()).toEqual([['n3', 4], ['n3', 5]]);
    expect(Math.max(...procs.map((p) => Number(p.cpu_s)))).toBeCloseTo(10);
    expect(Number(procs[0]?.read_bytes)).toBeCloseTo(10e6);
  });

  it.runIf(available)('compares with an earlier run of the same app and command that this user may see', async () => {
    const timelines = await runTimelines(db.store, scope, 1000);
    const cpu = timelines.find((t) => t.resource === 'cpu')?.series ?? [];
    const mine = await compareWithEarlier(db.store, ann, { run_id: 'm', app: 'solver', cmd: MULTI_CMD, start_ms: T0 }, cpu);
    expect(mine.earlier.map((e) => e.run_id)).toEqual(['e1']);
    expect(mine.chosen?.summary.run_id).toBe('e1');
    expect(mine.chosen?.cpu.slice(0, 2)).toEqual([{ ts: 0, value: 2 }, { ts: 1, value: 2 }]);
    expect(mine.current[0]).toEqual({ ts: 0, value: expect.closeTo(4.8, 5) });
    const all = await compareWithEarlier(db.store, admin, { run_id: 'm', app: 'solver', cmd: MULTI_CMD, start_ms: T0 }, cpu, 'e1');
    expect(all.earlier.map((e) => e.run_id)).toEqual(['e2', 'e1']);
    expect(all.chosen?.summary.run_id).toBe('e1');
  });
});
