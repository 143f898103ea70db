import { type Bus, type BusMessage, INGEST_GROUP, openChdbStore, openKafkaBus } from '@runlens/pipeline';
import { type TestServer, freePort, startKafka } from '@runlens/pipeline/testing/servers';
import { DEAD_LETTER_TOPIC, SCHEMA_VERSION, encodeBatch, tableNames, topicFor } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTicksMatchElapsed } from './testing/agent-ticks.ts';
import { tempDir } from './testing/cli-harness.ts';
import { RoleProcess, sleep } from './testing/role-process.ts';
import { storedCounts } from './testing/stored-counts.ts';

const INTERVAL_MS = 1000;

/**
 * The same ingest path with chDB as the store, plus the dead-letter topic on a real broker.
 * Rows are counted raw and through FINAL: every published row is stored, duplicates collapse.
 */
describe('cluster path with chDB as the store', () => {
  let kafka: TestServer;
  let bus: Bus;
  const chdbPath = join(tempDir('runlens-chdb-'), 'store');
  const database = `t_${randomBytes(4).toString('hex')}`;
  const roles: RoleProcess[] = [];
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_STORE: 'chdb', RUNLENS_CHDB_PATH: chdbPath,
    RUNLENS_CLICKHOUSE_DATABASE: database, RUNLENS_SAMPLERS: 'process,node', ...extra,
  });
  const start = async (role: 'ingest' | 'agent', extra: Record<string, string>): Promise<RoleProcess> => {
    const r = new RoleProcess(role, env(extra));
    roles.push(r);
    await r.waitFor(`${role} started`);
    return r;
  };
  const ingest = async (): Promise<RoleProcess> => start('ingest', { RUNLENS_METRICS_PORT: String(await freePort()) });
  const drained = async (): Promise<void> => {
    const topics = tableNames.map(topicFor);
    for (let i = 0; i < 120 && (await bus.lag(INGEST_GROUP, topics)) > 0; i++) await sleep(1000);
  };

  beforeAll(async () => {
    kafka = await startKafka();
    bus = await openKafkaBus({ brokers: [kafka.url], clientId: 'test' });
  });
  afterAll(async () => {
    for (const r of roles) r.child.kill('SIGKILL');
    await bus?.close();
    await kafka?.stop();
  });

  it('stores every published row once (FINAL) through a broker kill and an ingest kill with uncommitted work', async () => {
    let replica = await ingest();
    const agents = [
      await start('agent', { RUNLENS_HOST: 'c-1', RUNLENS_SPOOL_DIR: tempDir(), RUNLENS_INTERVAL_MS: String(INTERVAL_MS) }),
      await start('agent', { RUNLENS_HOST: 'c-2', RUNLENS_SPOOL_DIR: tempDir(), RUNLENS_INTERVAL_MS: String(INTERVAL_MS) }),
    ];
    const startedAt = Date.now();
    await sleep(6000);
    await kafka.stop({ kill: true });
    await sleep(15_000);
    await kafka.start();
    // The one replica owns every partition: kill it -9 the moment the group has messages it has
    // not committed (the agents' spooled backlog arriving), so the crash drops work in hand.
    const topics = tableNames.map(topicFor);
    let lagAtKill = 0;
    for (let i = 0; i < 600 && lagAtKill === 0; i++) lagAtKill = await bus.lag(INGEST_GROUP, topics).catch(() => 0);
    await replica.stop('SIGKILL');
    expect(lagAtKill).toBeGreaterThan(0);
    replica = await ingest();
    await sleep(6000);
    const stoppedAt = Date.now();
    await Promise.all(agents.map((a) => a.stop()));
    await drained();
    await replica.stop();
    const stops = agents.map((a) => a.lines.find((l) => l.msg === 'agent stopped') ?? {});
    const store = await openChdbStore({ path: chdbPath, database });
    try {
      for (const [i, host] of ['c-1', 'c-2'].entries()) {
        const published = (stops[i]?.rows_published ?? {}) as Record<string, number>;
        expectTicksMatchElapsed(host, Number(stops[i]?.ticks), stoppedAt - startedAt, INTERVAL_MS);
        expect(published.process_samples).toBeGreaterThan(0);
        for (const t of ['process_samples', 'node_samples'] as const) {
          const c = (await storedCounts(store, t, 'host', `host = '${host}'`)).get(host) ?? { raw: 0, final: 0 };
          console.log(`[cluster-chdb] ${JSON.stringify({ host, table: t, published: published[t], raw: c.raw, final: c.final, duplicates: c.raw - c.final, lag_at_ingest_kill: lagAtKill })}`);
          expect(c.final).toBe(published[t]);
          expect(c.raw).toBeGreaterThanOrEqual(c.final);
        }
      }
    } finally {
      await store.close();
    }
  }, 600_000);

  it('sends corrupt, truncated, wrong-schema and oversized messages to the dead-letter topic and keeps going', async () => {
    const replica = await ingest();
    const headers = { schema_version: String(SCHEMA_VERSION), agent_id: 'dlq-test', seq: '1', table: 'node_samples' };
    const good = encodeBatch('node_samples', []);
    const wrong = encodeBatch('runs', [{
      run_id: 'x', app: 'a', user: 'u', cluster: 'c', job_id: '', sluid: '', step: '', cmd: '', status: 'running', start_ts: Date.now(),
      end_ts: null, updated_ts: Date.now(), exit_code: null, hosts: [], ranks: 0, alloc_cores: 1, alloc_gpus: 0, tags: [],
      cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
    }]);
    const p = bus.producer();
    const topic = topicFor('node_samples');
    await p.send(topic, [{ key: 'dlq', value: randomBytes(500), headers }]);
    await p.send(topic, [{ key: 'dlq', value: wrong.slice(0, Math.floor(wrong.length / 2)), headers }]);
    await p.send(topic, [{ key: 'dlq', value: wrong, headers }]);
    await p.send(topic, [{ key: 'dlq', value: new Uint8Array(9 * 1024 * 1024), headers }]);
    await p.send(topic, [{ key: 'dlq', value: good.length > 0 ? good : new Uint8Array(1), headers: { ...headers, schema_version: '0' } }]);
    const dead: BusMessage[] = [];
    const sub = await bus.subscribe({ group: `dlq-${randomBytes(3).toString('hex')}`, topics: [DEAD_LETTER_TOPIC], eachBatch: async (b) => { dead.push(...b.messages); } });
    for (let i = 0; i < 60 && dead.length < 5; i++) await sleep(1000);
    await sub.stop();
    const reasons = dead.filter((m) => m.headers.agent_id === 'dlq-test').map((m) => m.headers.reason).sort();
    expect(reasons).toEqual(['oversized', 'schema_mismatch', 'schema_version', 'undecodable_arrow', 'undecodable_arrow']);
    expect(replica.child.exitCode).toBeNull(); // still running
    await replica.stop();
  }, 300_000);
});
