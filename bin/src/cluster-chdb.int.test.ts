import { type Bus, type BusMessage, INGEST_GROUP, openChdbStore, openKafkaBus } from '@runlens/pipeline';
import { type TestServer, freePort, startKafka } from '@runlens/pipeline/testing/servers';
import { DEAD_LETTER_TOPIC, SCHEMA_VERSION, encodeBatch, tableNames, topicFor } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './testing/cli-harness.ts';
import { RoleProcess, sleep } from './testing/role-process.ts';

/** The same ingest path with chDB as the store, plus the dead-letter topic on a real broker. */
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

  it('stores every published row through a broker kill and an ingest kill', async () => {
    let replica = await ingest();
    const agents = [
      await start('agent', { RUNLENS_HOST: 'c-1', RUNLENS_SPOOL_DIR: tempDir() }),
      await start('agent', { RUNLENS_HOST: 'c-2', RUNLENS_SPOOL_DIR: tempDir() }),
    ];
    await sleep(6000);
    await kafka.stop({ kill: true });
    await sleep(15_000);
    await kafka.start();
    await sleep(6000);
    await replica.stop('SIGKILL');
    replica = await ingest();
    await sleep(6000);
    await Promise.all(agents.map((a) => a.stop()));
    await drained();
    await replica.stop();
    const published = agents.map((a) => (a.lines.find((l) => l.msg === 'agent stopped')?.rows_published ?? {}) as Record<string, number>);
    const store = await openChdbStore({ path: chdbPath, database });
    try {
      for (const [i, host] of ['c-1', 'c-2'].entries()) {
        const rows = await store.query<{ n: number }>('SELECT count() AS n FROM process_samples FINAL WHERE host = {h:String}', { h: host });
        expect(Number(rows[0]?.n)).toBe(published[i]?.process_samples);
        expect(published[i]?.process_samples).toBeGreaterThan(0);
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
