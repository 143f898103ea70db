import {
  type Row, type Store, degradedRunning, findingsOfRun, gpuSummary, hostsWithoutPmu, nodeHealth, nodeMetricBuckets, processBuckets,
  rankTotals, resourceBuckets, rowsOfHosts, rowsOfRun, runSeconds, sampleTotals, sharedCauses, topProcesses,
} from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { catalogRow as row } from '../../testing/catalog-row.ts';
import { seededStore } from '../../testing/seeded-store.ts';
import { TEST_STORES } from '../../testing/test-stores.ts';

/** The sample-table reads of the run page, the report and the ops page, on both stores. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
const SCOPE = { run_id: 'r1', hosts: ['n1', 'n2'], start_ms: T0, end_ms: T0 + 60_000 };

async function seed(store: Store): Promise<void> {
  await store.insertRows('runs', [
    row('runs', { run_id: 'r1', app: 'a', user: 'ann', cmd: 'solver', status: 'finished', start_ts: T0, end_ts: T0 + 60_000, updated_ts: T0 + 60_000, hosts: ['n1', 'n2'], alloc_cores: 2 }),
    row('runs', { run_id: 'r2', app: 'a', user: 'bob', cmd: 'solver', status: 'running', start_ts: T0, updated_ts: T0, hosts: ['n2'], alloc_cores: 2 }),
  ]);
  // n2 has no samples from 20 s to 40 s: the series must show a hole, not zeros.
  const ticks = Array.from({ length: 60 }, (_, i) => i);
  await store.insertRows('process_samples', ['n1', 'n2'].flatMap((host, rank) => ticks
    .filter((i) => host === 'n1' || i < 20 || i >= 40)
    .map((i) => row('process_samples', { ts: T0 + i * 1000, host, run_id: 'r1', rank, pid: 100 + rank, start_ticks: 1, comm: 'solver', interval_s: 1, cpu_user_cores: 1.5, cpu_sys_cores: 0.5, rss_bytes: 1_000_000, hwm_bytes: 1_000_000, state: i === 5 ? 'D' : 'R',
      // n1's IO has a gap (null) over ticks 25-32, as when /proc/<pid>/io is denied for a while; the
      // gap's edges are 8 s apart, so at least one falls inside a 10 s bucket whatever T0's phase.
      ...(host === 'n1' && (i < 25 || i >= 33) ? { read_bytes_per_s: 3000, write_bytes_per_s: 1000 } : {}) }))));
  await store.insertRows('node_samples', ['n1', 'n2'].flatMap((host) => ticks.map((i) =>
    row('node_samples', { ts: T0 + i * 1000, host, interval_s: 1, cpu_user_cores: 2, cpu_system_cores: 0.5, mem_total_bytes: 1000, mem_available_bytes: 250 }))));
  await store.insertRows('node_profiles', [row('node_profiles', { host: 'n1', ts: T0, pmu_available: 0 }), row('node_profiles', { host: 'n2', ts: T0, pmu_available: 1 })]);
  const f = (run_id: string, kind: string, severity: string, host: string): Row<'findings'> => row('findings', {
    run_id, finding_id: `${kind}:${host}`, kind, severity, scope: host ? 'host' : 'run', scope_id: host, host,
    start_ts: T0, end_ts: T0 + 30_000, updated_ts: T0, confidence: 0.9, message: `${kind} message`, evidence: '{"x":1}' });
  await store.insertRows('findings', [f('r1', 'cpu_bound', 'info', ''), f('r1', 'slow_node', 'warning', 'n2'), f('r2', 'slow_node', 'critical', 'n2')]);
}

describe.each(TEST_STORES)('sample repositories on %s', (_name, available, open) => {
  const db = seededStore(available, open, seed);

  it.runIf(available)('reads per-host timelines with the hole left as a hole', async () => {
    const s = await processBuckets(db.store, SCOPE, 1000);
    const perHost = (rows: readonly { host: string }[]) => ['n1', 'n2'].map((h) => rows.filter((r) => r.host === h).length);
    expect(perHost(s.cpu)).toEqual([60, 40]);
    expect(s.cpu[0]).toEqual({ host: 'n1', bucket: T0, v: 2 });
    expect(s.memory.filter((r) => r.host === 'n2').every((r) => r.v === 1_000_000)).toBe(true);
    // 10 s buckets: the per-tick sum averaged over the bucket's ticks, not summed across them.
    const coarse = await processBuckets(db.store, SCOPE, 10_000);
    const cpu = coarse.cpu.filter((r) => r.host === 'n1').map((r) => r.v);
    expect(cpu.length).toBeGreaterThanOrEqual(6); // 7 when T0 is not on a 10 s boundary
    expect(cpu.every((v) => v === 2)).toBe(true);
    // Ticks without IO are gaps: they neither dilute a bucket's IO nor turn into zeros.
    const io = coarse.io.filter((r) => r.host === 'n1').map((r) => r.v).filter((v) => v !== null);
    expect(io.length).toBeGreaterThanOrEqual(5);
    expect(io.every((v) => v === 4000)).toBe(true);
    // The one-timeline form agrees with the one-scan form.
    expect(await resourceBuckets(db.store, 'cpu', SCOPE, 10_000)).toEqual(coarse.cpu);
    expect(await resourceBuckets(db.store, 'network', SCOPE, 10_000)).toEqual([]);
    expect((await rankTotals(db.store, 'r1')).map((r) => [r.rank, r.host, Math.round(r.cpu_s)])).toEqual([[0, 'n1', 120], [1, 'n2', 80]]);
  });

  it.runIf(available)("reads the report's totals, seconds, processes, findings and host facts", async () => {
    expect(await sampleTotals(db.store, 'r1')).toMatchObject({ samples: 60, processes: 2, cpu_user_s: 150, cpu_sys_s: 50, peak_rss_bytes: 2_000_000, rchar: null });
    const secs = await runSeconds(db.store, 'r1');
    expect(secs).toHaveLength(60);
    expect(secs[5]).toMatchObject({ ts: T0 + 5000, cpu_cores: 4, procs: 2, d_state_procs: 2, rss_bytes: 2_000_000 });
    expect(secs[25]).toMatchObject({ cpu_cores: 2, procs: 1 });
    expect((await topProcesses(db.store, 'r1', 1)).map((p) => [p.host, p.pid, Math.round(Number(p.cpu_s))])).toEqual([['n1', 100, 120]]);
    const fs = await findingsOfRun(db.store, 'r1');
    expect(fs.map((f) => f.kind).sort()).toEqual(['cpu_bound', 'slow_node']);
    expect(fs[0]).toMatchObject({ start_ts: T0, end_ts: T0 + 30_000, evidence: { x: 1 } });
    expect(await gpuSummary(db.store, 'r1')).toBeNull();
    expect(await hostsWithoutPmu(db.store, ['n1', 'n2'])).toEqual(['n1']);
  });

  it.runIf(available)('replays whole catalog rows of a run and of its hosts, in tick order', async () => {
    const [meta] = await rowsOfRun(db.store, 'runs', 'r1');
    expect(meta).toMatchObject({ run_id: 'r1', start_ts: T0, end_ts: T0 + 60_000, alloc_cores: 2 });
    const samples = await rowsOfRun(db.store, 'process_samples', 'r1');
    expect(samples).toHaveLength(100);
    expect(samples.every((s, i) => i === 0 || s.ts >= (samples[i - 1]?.ts ?? 0))).toBe(true);
    expect(await rowsOfHosts(db.store, 'node_samples', ['n1'], { from_ms: T0 + 10_000, to_ms: T0 + 19_000 })).toHaveLength(10);
    expect((await rowsOfHosts(db.store, 'node_profiles', ['n2'])).map((p) => p.pmu_available)).toEqual([1]);
  });

  it.runIf(available)('serves the ops views: heatmap, shared causes, degradation, node health', async () => {
    const heat = await nodeMetricBuckets(db.store, 'mem_used', T0, T0 + 60_000, 1000);
    expect([...new Set(heat.map((r) => r.host))]).toEqual(['n1', 'n2']);
    expect(heat[0]!.v).toBeCloseTo(0.75);
    expect(await sharedCauses(db.store, T0 - 1000)).toMatchObject([{ kind: 'slow_node', host: 'n2', runs: 2, findings: 2 }]);
    expect((await degradedRunning(db.store)).map((r) => [r.run_id, Number(r.score.toFixed(2))])).toEqual([['r2', 2.7]]);
    // Only hardware faults count as node health: cpu_bound and slow_node are not.
    expect(await nodeHealth(db.store, T0 - 1000)).toEqual([]);
  });
});
