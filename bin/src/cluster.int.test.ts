import { type Store, openClickHouseStore } from '@runlens/pipeline';
import { type TestServer, freePort, startClickHouse, startKafka } from '@runlens/pipeline/testing/servers';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './testing/cli-harness.ts';
import { RoleProcess, sleep } from './testing/role-process.ts';

/**
 * The cluster path on real servers: agents sampling for real → Kafka 3.9 → ingest replicas
 * → Debian's ClickHouse 18.16, through a broker kill -9, an ingest kill -9 and a 60 s
 * ClickHouse outage. Every row an agent published is stored once; none is lost.
 */
const TABLES = ['process_samples', 'node_samples', 'device_samples'] as const;

describe('cluster path: agents → Kafka → ingest → ClickHouse server', () => {
  let kafka: TestServer;
  let clickhouse: TestServer;
  let store: Store;
  const database = `t_${randomBytes(4).toString('hex')}`;
  const roles: RoleProcess[] = [];

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_CLICKHOUSE_URL: clickhouse.url, RUNLENS_CLICKHOUSE_DATABASE: database,
    RUNLENS_SAMPLERS: 'process,node', RUNLENS_LOG_LEVEL: 'info', ...extra,
  });
  const ingest = async (): Promise<RoleProcess> => {
    const r = new RoleProcess('ingest', env({ RUNLENS_METRICS_PORT: String(await freePort()) }));
    roles.push(r);
    await r.waitFor('ingest started');
    return r;
  };
  const agent = (host: string): RoleProcess => {
    const r = new RoleProcess('agent', env({ RUNLENS_HOST: host, RUNLENS_SPOOL_DIR: tempDir('runlens-spool-') }));
    roles.push(r);
    return r;
  };
  const stored = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      for (const r of await store.query<{ host: string; n: number }>(`SELECT host, count() AS n FROM ${t} FINAL GROUP BY host`)) {
        out[`${r.host}/${t}`] = Number(r.n);
      }
    }
    return out;
  };
  const published = (stops: Record<string, unknown>[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const s of stops) {
      for (const [t, n] of Object.entries(s.rows_published as Record<string, number>)) {
        if ((TABLES as readonly string[]).includes(t)) out[`${String(s.host)}/${t}`] = n;
      }
    }
    return out;
  };
  const settle = async (expected: Record<string, number>, timeoutMs = 120_000): Promise<Record<string, number>> => {
    const deadline = Date.now() + timeoutMs;
    let got = await stored();
    while (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(expected)) && Date.now() < deadline) {
      await sleep(1000);
      got = await stored();
    }
    return got;
  };

  beforeAll(async () => {
    [kafka, clickhouse] = await Promise.all([startKafka(), startClickHouse()]);
    store = await openClickHouseStore({ url: clickhouse.url, database });
  });
  afterAll(async () => {
    for (const r of roles) r.child.kill('SIGKILL');
    await store?.close();
    await Promise.all([kafka?.stop(), clickhouse?.stop()]);
  });

  it('loses nothing and shows no duplicates through broker, ingest and database failures', async () => {
    const replicas = [await ingest(), await ingest()];
    const agents = ['sim-1', 'sim-2', 'sim-3', 'sim-4'].map(agent);
    await Promise.all(agents.map((a) => a.waitFor('agent started')));
    await sleep(8000);

    await kafka.stop({ kill: true }); // kill -9 the broker for 30 s
    await sleep(30_000);
    await kafka.start();
    await sleep(10_000);

    await replicas[0]?.stop('SIGKILL'); // kill -9 one ingest replica mid-stream
    replicas.push(await ingest());
    await sleep(8000);

    await clickhouse.stop(); // the database away for 60 s
    await sleep(60_000);
    await clickhouse.start();
    await sleep(8000);

    await Promise.all(agents.map((a) => a.stop()));
    const stops = agents.map((a) => a.lines.find((l) => l.msg === 'agent stopped') ?? {});
    expect(stops.every((s) => s.spool_dropped === 0 && s.spool_backlog === 0)).toBe(true);
    const expected = published(stops);
    expect(Object.keys(expected)).toHaveLength(4 * TABLES.length);
    expect(await settle(expected)).toEqual(expected);
    // The outages really were survived, not avoided: agents spooled and ingest retried.
    expect(agents.some((a) => a.lines.some((l) => l.msg === 'bus unreachable; spooling to disk'))).toBe(true);
    expect(replicas.some((r) => r.lines.some((l) => l.msg === 'batch failed; it will be redelivered'))).toBe(true);
  }, 600_000);

  it('an agent cut off from the broker for 2 minutes spools to disk and replays everything', async () => {
    await ingest();
    await kafka.stop();
    const a = agent('sim-offline');
    await a.waitFor('agent started');
    await sleep(120_000);
    await kafka.start();
    await a.waitFor('bus back; replaying spool', 90_000);
    await sleep(5000);
    await a.stop();
    const stop = a.lines.find((l) => l.msg === 'agent stopped') ?? {};
    expect(stop.spool_dropped).toBe(0);
    const expected = published([stop]);
    expect(expected['sim-offline/process_samples']).toBeGreaterThan(0);
    const got = await settle(expected);
    expect(Object.fromEntries(Object.entries(got).filter(([k]) => k.startsWith('sim-offline/')))).toEqual(expected);
  }, 600_000);
});

function sorted(o: Record<string, number>): [string, number][] {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}
