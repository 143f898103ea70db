import { type Store, openClickHouseStore } from '@runlens/pipeline';
import { type TestServer, freePort, prepareClickHouse, prepareKafka } from '@runlens/pipeline/testing/servers';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './testing/cli-harness.ts';
import { probe, probeUntil } from './testing/health-probe.ts';
import { RoleProcess, sleep } from './testing/role-process.ts';

/**
 * Every cluster role is started first, before the broker, its topics and the database
 * exist: each answers its health endpoint saying what it waits for, becomes ready once
 * Kafka 3.9 (auto-create off) and ClickHouse 18.16 come up, and samples reach the store.
 * Then the broker is stopped for 30 s: nobody exits, and samples flow again after.
 */
describe('cluster roles start in any order', () => {
  let kafka: TestServer;
  let clickhouse: TestServer;
  let store: Store | null = null;
  const database = `t_${randomBytes(4).toString('hex')}`;
  const host = `order-${randomBytes(3).toString('hex')}`;
  const roles = new Map<string, { proc: RoleProcess; port: number }>();

  const env = (extra: Record<string, string>): Record<string, string> => ({
    RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_CLICKHOUSE_URL: clickhouse.url, RUNLENS_CLICKHOUSE_DATABASE: database,
    RUNLENS_LOG_LEVEL: 'info', ...extra,
  });
  const startRole = async (role: string, extra: (port: number) => Record<string, string>): Promise<void> => {
    const port = await freePort();
    roles.set(role, { proc: new RoleProcess(role, env(extra(port))), port });
  };
  /** The agent's node samples taken in [fromMs, toMs), as stored. */
  const samples = async (fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): Promise<number> => {
    store ??= await openClickHouseStore({ url: clickhouse.url, database });
    const ts = store.sql.ms('ts');
    const rows = await store.query<{ n: number | string }>(
      `SELECT count() AS n FROM node_samples WHERE host = {host:String} AND ${ts} >= {from:Int64} AND ${ts} < {to:Int64}`, { host, from: fromMs, to: toMs });
    return Number(rows[0]?.n ?? 0);
  };
  const samplesAbove = async (floor: number, timeoutMs: number, fromMs?: number, toMs?: number): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = await samples(fromMs, toMs).catch(() => 0);
      if (n > floor || Date.now() > deadline) return n;
      await sleep(1000);
    }
  };
  const exited = (): string[] => [...roles].filter(([, r]) => r.proc.child.exitCode !== null || r.proc.child.signalCode !== null).map(([name]) => name);

  beforeAll(async () => {
    [kafka, clickhouse] = await Promise.all([prepareKafka(), prepareClickHouse()]);
  });
  afterAll(async () => {
    for (const { proc } of roles.values()) proc.child.kill('SIGKILL');
    await store?.close();
    await Promise.all([kafka?.stop({ kill: true }), clickhouse?.stop()]);
  });

  it('waits for Kafka, topics and ClickHouse, becomes ready without a restart, and rides out a 30 s broker outage', async () => {
    const t0 = Date.now();
    const at = (): string => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
    await startRole('agent', (p) => ({ RUNLENS_HEALTH_PORT: String(p), RUNLENS_HOST: host, RUNLENS_SAMPLERS: 'process,node', RUNLENS_SPOOL_DIR: tempDir('runlens-spool-') }));
    const metricsPort = String(await freePort());
    await startRole('ingest', (p) => ({ RUNLENS_HEALTH_PORT: String(p), RUNLENS_METRICS_PORT: metricsPort }));
    await startRole('analyze', (p) => ({ RUNLENS_HEALTH_PORT: String(p), RUNLENS_EVAL_INTERVAL_MS: '2000' }));
    await startRole('dashboard', (p) => ({ RUNLENS_HTTP_PORT: String(p), RUNLENS_DATA_DIR: tempDir('runlens-dash-') }));

    // Nothing is up yet: every role answers, not ready, naming what it waits for.
    for (const [name, { port }] of roles) {
      const p = await probeUntil(port, (a) => a.status === 503 && a.waiting_for.length > 0, 90_000, `${name} reports waiting`);
      expect(p.live).toBe(true);
    }
    const ingestWaits = (await probe(roles.get('ingest')?.port ?? 0))?.waiting_for.join(' | ') ?? '';
    expect(ingestWaits).toContain(`ClickHouse at ${clickhouse.url}`);
    expect(ingestWaits).toContain(`Kafka at ${kafka.url}`);
    console.log(`all roles waiting at ${at()}; ingest: ${ingestWaits}`);

    await Promise.all([kafka.start(), clickhouse.start()]);
    console.log(`Kafka and ClickHouse up at ${at()}`);
    const migrate = await runCli(['migrate'], env({}));
    expect(migrate.code, migrate.stderr).toBe(0);
    for (const [name, { port }] of roles) await probeUntil(port, (a) => a.status === 200 && a.ready, 150_000, `${name} ready`);
    console.log(`all roles ready at ${at()}`);
    expect(exited()).toEqual([]);
    const before = await samplesAbove(0, 120_000);
    expect(before).toBeGreaterThan(0);
    console.log(`${before} node samples stored at ${at()}`);

    await kafka.stop();
    const down = Date.now();
    await sleep(30_000);
    expect(exited()).toEqual([]);
    for (const [name, { port }] of roles) expect((await probe(port, '/healthz'))?.live, name).toBe(true);
    const up = Date.now();
    await kafka.start();
    console.log(`broker back at ${at()}`);
    // Samples taken while the broker was away (spooled by the agent) and after it came back both arrive.
    const during = await samplesAbove(10, 120_000, down + 2_000, up);
    const after = await samplesAbove(2, 120_000, Date.now());
    expect(during).toBeGreaterThan(10);
    expect(after).toBeGreaterThan(2);
    expect(exited()).toEqual([]);
    console.log(`${during} samples from the outage and ${after} after it stored at ${at()}; no role exited`);

    // One line per condition, not one per retry: a role waited for a few things, not hundreds of times.
    for (const [name, { proc }] of roles) {
      const waits = proc.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('waiting for '));
      expect(waits.length, `${name}: ${waits.map((w) => String(w.msg)).join(', ')}`).toBeGreaterThan(0);
      expect(waits.length, name).toBeLessThanOrEqual(8);
      console.log(`${name} logged: ${waits.map((w) => String(w.msg)).join('; ')}`);
    }
  }, 330_000);
});
