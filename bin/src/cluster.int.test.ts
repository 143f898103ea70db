import { type Bus, INGEST_GROUP, type Store, openClickHouseStore, openKafkaBus } from '@runlens/pipeline';
import { cgroupSampleRow } from '@runlens/pipeline/testing/cgroup-sample-row';
import { type TestServer, freePort, startClickHouse, startKafka, startSideBySide } from '@runlens/pipeline/testing/servers';
import { MessageEncoder, type Row, type TableName, tableNames, topicFor } from '@runlens/schemas';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRow } from './commands/run.ts';
import { expectTicksMatchElapsed } from './testing/agent-ticks.ts';
import { tempDir } from './testing/cli-harness.ts';
import { RoleProcess, sleep } from './testing/role-process.ts';
import { readSpool, spooledBatches } from './testing/spool-snapshot.ts';
import { type Ledger, expectStoredOnce as expectStored, publishedCounts, settleStored } from './testing/published-vs-stored.ts';
import { type StoredCount, storedCounts, totals } from './testing/stored-counts.ts';

/**
 * The cluster path on real servers: agents sampling for real → Kafka 3.9 → ingest replicas
 * → Debian's ClickHouse 18.16, through a broker kill -9, a 60 s ClickHouse outage with an
 * ingest replica killed -9 while it holds a failed, uncommitted batch, and an agent killed
 * -9 while spooling. Stored rows are counted raw and through FINAL: every published row is
 * stored, duplicates collapse, and each agent took as many ticks as its running time allows.
 */
const TABLES = ['process_samples', 'node_samples', 'device_samples'] as const;
const INTERVAL_MS = 1000;
const log = (what: string, fields: Record<string, unknown>): void => console.log(`[cluster] ${what} ${JSON.stringify(fields)}`);

describe('cluster path: agents → Kafka → ingest → ClickHouse server', () => {
  let kafka: TestServer;
  let clickhouse: TestServer;
  let store: Store;
  let bus: Bus | null = null;
  const database = `t_${randomBytes(4).toString('hex')}`;
  const roles: RoleProcess[] = [];
  const others: ChildProcess[] = [];

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_CLICKHOUSE_URL: clickhouse.url, RUNLENS_CLICKHOUSE_DATABASE: database,
    RUNLENS_SAMPLERS: 'process,node', RUNLENS_LOG_LEVEL: 'info', RUNLENS_INTERVAL_MS: String(INTERVAL_MS), ...extra,
  });
  const role = async (name: 'ingest' | 'analyze', extra: Record<string, string> = {}): Promise<RoleProcess> => {
    const r = new RoleProcess(name, env({ RUNLENS_METRICS_PORT: String(await freePort()), ...extra }));
    roles.push(r);
    await r.waitFor(`${name} started`);
    return r;
  };
  const ingest = (): Promise<RoleProcess> => role('ingest');
  const agent = (host: string, extra: Record<string, string> = {}): RoleProcess => {
    const r = new RoleProcess('agent', env({ RUNLENS_HOST: host, RUNLENS_SPOOL_DIR: tempDir('runlens-spool-'), ...extra }));
    roles.push(r);
    return r;
  };
  const openBus = async (): Promise<Bus> => (bus ??= await openKafkaBus({ brokers: [kafka.url], clientId: 'cluster-test' }));
  const publish = async <N extends TableName>(table: N, rows: readonly Row<N>[], key: string): Promise<void> => {
    const m = new MessageEncoder('cluster-test').encode(table, rows, key);
    await (await openBus()).producer().send(m.topic, [m]);
  };
  const settle = (expected: Ledger): Promise<Map<string, StoredCount>> => settleStored(store, TABLES, expected);
  const expectStoredOnce = (what: string, got: Map<string, StoredCount>, expected: Ledger): void => expectStored(what, got, expected, log);
  const waitForCount = async (sql: string, min: number, timeoutMs = 120_000): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    let n = 0;
    while ((n = Number((await store.query<{ n: number }>(sql))[0]?.n ?? 0)) < min && Date.now() < deadline) await sleep(1000);
    return n;
  };

  beforeAll(async () => {
    [kafka, clickhouse] = await startSideBySide([startKafka(), startClickHouse()] as const);
    store = await openClickHouseStore({ url: clickhouse.url, database });
  });
  afterAll(async () => {
    for (const r of roles) r.child.kill('SIGKILL');
    for (const c of others) c.kill('SIGKILL');
    await bus?.close();
    await store?.close();
    await Promise.all([kafka?.stop(), clickhouse?.stop()]);
  });

  it('loses nothing and collapses duplicates through broker, ingest and database failures', async () => {
    // A "Slurm job" every agent sees through its environment: the agents announce it as a run,
    // the analyzer finalises it once its end row arrives, and its cgroup samples travel too.
    const jobId = String(randomInt(100_000, 999_999));
    const runId = `slurm-default-${jobId}`;
    const job = spawn('sleep', ['3600'], { env: { ...process.env, SLURM_JOB_ID: jobId }, stdio: 'ignore' });
    others.push(job);
    const jobStart = Date.now();
    const replicas = [await ingest(), await ingest()];
    await role('analyze', { RUNLENS_EVAL_INTERVAL_MS: '2000' });
    const agents = ['sim-1', 'sim-2', 'sim-3', 'sim-4'].map((h) => agent(h));
    await Promise.all(agents.map((a) => a.waitFor('agent started')));
    const startedAt = Date.now();
    await sleep(8000);

    await kafka.stop({ kill: true }); // kill -9 the broker for 30 s
    await sleep(30_000);
    await kafka.start();
    await sleep(10_000);
    let cgroupRows = 0;
    const base = Date.now() - 3_600_000;
    const cgroupBatch = async (): Promise<void> => {
      await publish('cgroup_samples', Array.from({ length: 20 }, (_, i) => cgroupSampleRow('sim-1', runId, cgroupRows + i, base)), 'sim-1');
      cgroupRows += 20;
    };
    await cgroupBatch();

    // The database away for 60 s. An ingest replica whose batch just failed holds fetched,
    // uncommitted messages: kill -9 exactly that one, so the crash really drops work in hand.
    const outageStart = Date.now();
    const marks = replicas.map((r) => r.lines.length);
    await clickhouse.stop();
    let victim: RoleProcess | undefined;
    for (let i = 0; i < 500 && !victim; i++) {
      victim = replicas.find((r, j) => r.lines.slice(marks[j]).some((l) => l.msg === 'batch failed; it will be redelivered'));
      if (!victim) await sleep(100);
    }
    if (!victim) throw new Error('no ingest replica failed a batch while the database was down');
    const lagAtKill = await (await openBus()).lag(INGEST_GROUP, tableNames.map(topicFor));
    const failedBatches = victim.lines.filter((l) => l.msg === 'batch failed; it will be redelivered').length;
    await victim.stop('SIGKILL');
    log('ingest replica killed -9', { uncommitted_messages_in_group: lagAtKill, its_failed_batches: failedBatches });
    expect(lagAtKill).toBeGreaterThan(0);
    await cgroupBatch(); // published while the store is down: it must wait, not be lost
    await sleep(Math.max(0, 60_000 - (Date.now() - outageStart)));
    await clickhouse.start();
    // A replica migrates the store at start, so the replacement can only start once it is back;
    // until then the survivor holds the victim's partitions and their uncommitted messages.
    replicas.push(await ingest());
    await sleep(8000);
    await cgroupBatch();

    job.kill('SIGKILL');
    await publish('runs', [runRow({ run_id: runId, app: 'slurm', user: '', cmd: '', alloc_cores: 1, start_ts: jobStart, job_id: jobId }, 'sim-1', 'default',
      { exit_code: 0, end_ts: Date.now(), totals: null })], runId);
    const stoppedAt = Date.now();
    await Promise.all(agents.map((a) => a.stop()));
    const stops = agents.map((a) => a.lines.find((l) => l.msg === 'agent stopped') ?? {});
    expect(stops.every((s) => s.spool_dropped === 0 && s.spool_backlog === 0)).toBe(true);
    for (const s of stops) {
      expectTicksMatchElapsed(String(s.host), Number(s.ticks), stoppedAt - startedAt, INTERVAL_MS);
      // One node row per tick but the first (a rate needs two readings): samples not taken show here.
      expect((s.rows_published as Record<string, number>).node_samples).toBeGreaterThanOrEqual(Number(s.ticks) - 2);
    }
    const expected = publishedCounts(stops, TABLES);
    expect(Object.keys(expected)).toHaveLength(4 * TABLES.length);
    expectStoredOnce('samples', await settle(expected), expected);

    // cgroup_samples published by this test through the same outages: all stored, once under FINAL.
    const cgroupFinal = await waitForCount(`SELECT count() AS n FROM cgroup_samples FINAL WHERE run_id = '${runId}'`, cgroupRows);
    const cgroup = await storedCounts(store, 'cgroup_samples', 'run_id', `run_id = '${runId}'`);
    log('stored rows', { what: 'cgroup_samples', published: cgroupRows, ...totals(cgroup.values()) });
    expect(cgroupFinal).toBe(cgroupRows);
    expect(cgroup.get(runId)?.raw).toBeGreaterThanOrEqual(cgroupRows);

    // The run every agent announced is stored once, finished; the analyzer wrote its findings and summary.
    for (const s of stops) expect((s.rows_published as Record<string, number>).runs).toBeGreaterThanOrEqual(1);
    const runs = await store.query<{ status: string }>(`SELECT status FROM runs FINAL WHERE run_id = '${runId}'`);
    expect(runs.map((r) => r.status)).toEqual(['finished']);
    const findings = await waitForCount(`SELECT count() AS n FROM findings FINAL WHERE run_id = '${runId}'`, 1);
    const summaries = await waitForCount(`SELECT count() AS n FROM run_summaries FINAL WHERE run_id = '${runId}'`, 1);
    const raw = async (t: string): Promise<StoredCount | undefined> => (await storedCounts(store, t, 'run_id', `run_id = '${runId}'`)).get(runId);
    log('run tables', { runs: await raw('runs'), findings: await raw('findings'), run_summaries: await raw('run_summaries'),
      runs_published_by_agents: stops.map((s) => (s.rows_published as Record<string, number>).runs) });
    expect(findings).toBeGreaterThanOrEqual(1);
    expect(summaries).toBe(1);

    // The outages really were survived, not avoided: agents spooled and ingest retried.
    expect(agents.some((a) => a.lines.some((l) => l.msg === 'bus unreachable; spooling to disk'))).toBe(true);
  }, 600_000);

  it('an agent killed -9 while spooling loses at most its batch in flight; restarted on its spool, it replays everything', async () => {
    await ingest();
    await kafka.stop();
    const spoolRoot = tempDir('runlens-spool-');
    const spoolDir = join(spoolRoot, 'sim-offline');
    // Both lives share the agent id (so the spool dir) but not the host, so their rows stay apart.
    const life = (host: string): RoleProcess => agent(host, { RUNLENS_AGENT_ID: 'sim-offline', RUNLENS_SPOOL_DIR: spoolRoot });
    const first = life('sim-offline-1');
    await first.waitFor('agent started');
    const firstStart = Date.now();
    await sleep(45_000);
    for (let i = 0; i < 300 && spooledBatches(spoolDir) < 10; i++) await sleep(200);
    const killedAt = Date.now();
    await first.stop('SIGKILL');
    const snap = readSpool(spoolDir);

    const second = life('sim-offline-2');
    await second.waitFor('agent started');
    const secondStart = Date.now();
    await sleep(Math.max(0, 120_000 - (Date.now() - firstStart)));
    await kafka.start();
    await second.waitFor('bus back; replaying spool', 90_000);
    await sleep(5000);
    const secondStop = Date.now();
    await second.stop();
    const stop = second.lines.find((l) => l.msg === 'agent stopped') ?? {};
    expect(stop.spool_dropped).toBe(0);
    expectTicksMatchElapsed('sim-offline-2', Number(stop.ticks), secondStop - secondStart, INTERVAL_MS);

    // The first life published exactly what its spool held at the kill; the tick being sampled
    // or written at that moment is the only thing a kill -9 may lose.
    const expected: Ledger = { ...publishedCounts([stop], TABLES) };
    for (const t of TABLES) {
      const n = snap.rows.get(t)?.length ?? 0;
      if (n > 0) expected[`sim-offline-1/${t}`] = n;
    }
    const nodeTs = ((snap.rows.get('node_samples') ?? []) as readonly Row<'node_samples'>[]).map((r) => Number(r.ts)).sort((a, b) => a - b);
    const last = nodeTs[nodeTs.length - 1] ?? firstStart;
    const missingInside = nodeTs.slice(1).reduce((n, ts, i) => n + Math.max(0, Math.round((ts - (nodeTs[i] ?? ts)) / INTERVAL_MS) - 1), 0);
    const lostAtKill = Math.max(0, Math.floor((killedAt - last) / INTERVAL_MS) - 1);
    expect(expected['sim-offline-1/node_samples']).toBeGreaterThan(0);
    expect(expected['sim-offline-2/process_samples']).toBeGreaterThan(0);
    const got = await settle(expected);
    const firstLife = new Map([...got].filter(([k]) => k.startsWith('sim-offline-1/')));
    log('kill -9 mid-spool', {
      spooled_batches: snap.batches, spooled_rows: Object.fromEntries([...snap.rows].map(([t, r]) => [t, r.length])),
      first_life_s: Math.round((killedAt - firstStart) / 1000), node_rows: nodeTs.length, ticks_missing_inside: missingInside,
      ticks_lost_at_kill: lostAtKill, doubled: totals(firstLife.values()).duplicates,
    });
    expectStoredOnce('kill -9 mid-spool', got, expected);
    expectTicksMatchElapsed('sim-offline-1 (spooled)', nodeTs.length + 1 + lostAtKill, killedAt - firstStart, INTERVAL_MS);
    // At most the tick in flight, plus one for a late timer on a loaded machine.
    expect(lostAtKill).toBeLessThanOrEqual(2);
  }, 600_000);
});
