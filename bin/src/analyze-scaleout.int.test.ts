import { ANALYZER_INPUT_TOPICS, ROUTE_GROUP } from '@runlens/analyzer';
import { type Bus, type Store, openClickHouseStore, openKafkaBus } from '@runlens/pipeline';
import { kafkaPartitionOf } from '@runlens/pipeline/bus/kafka/partition';
import { type TestServer, freePort, startClickHouse, startKafka, startSideBySide } from '@runlens/pipeline/testing/servers';
import { MessageEncoder, type Row, type TableName, sleep } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleProcess } from './testing/role-process.ts';
import { MultiHostRuns, expectedCpuS } from './testing/multi-host-runs.ts';
import { storedCounts } from './testing/stored-counts.ts';

const TICKS = 12;
/** `n` run ids (n ≥ partitions) that fall in every partition, so every replica owns some of them whatever the split. */
function idsInEveryPartition(n: number, partitions: number, prefix: string): string[] {
  const ids: string[] = [];
  const covered = new Set<number>();
  while (ids.length < n) {
    const id = `${prefix}-${randomBytes(3).toString('hex')}-${ids.length}`;
    const p = kafkaPartitionOf(id, partitions);
    if (covered.has(p) && covered.size < partitions && n - ids.length <= partitions - covered.size) continue;
    covered.add(p);
    ids.push(id);
  }
  return ids;
}

const log = (what: string, fields: Record<string, unknown>): void => console.log(`[analyze-scaleout] ${what} ${JSON.stringify(fields)}`);

/**
 * Two `runlens analyze` replicas on Kafka 3.9 share runs that span two hosts; ingest stores their
 * results in ClickHouse 18.16. One replica is killed -9 with runs half-read and unfinished. Every run
 * ends with one summary that counts both hosts and every tick (counted raw), and each finding under one id.
 */
describe('analyze replicas scale by run (Kafka, ClickHouse)', () => {
  let kafka: TestServer;
  let clickhouse: TestServer;
  let store: Store;
  let bus: Bus;
  const database = `t_${randomBytes(4).toString('hex')}`;
  const roles: RoleProcess[] = [];

  const role = async (name: 'ingest' | 'analyze'): Promise<RoleProcess> => {
    const r = new RoleProcess(name, {
      RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_CLICKHOUSE_URL: clickhouse.url, RUNLENS_CLICKHOUSE_DATABASE: database,
      RUNLENS_LOG_LEVEL: 'info', RUNLENS_METRICS_PORT: String(await freePort()), RUNLENS_EVAL_INTERVAL_MS: '1000',
    });
    roles.push(r);
    await r.waitFor(`${name} started`, 120_000);
    return r;
  };
  const said = (r: RoleProcess, msg: string): Record<string, unknown>[] => r.lines.filter((l) => l.msg === msg);
  const runsOf = (r: RoleProcess, msg: string): string[] => said(r, msg).map((l) => String(l.run_id));
  const until = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(500);
    }
  };

  beforeAll(async () => {
    [kafka, clickhouse] = await startSideBySide([startKafka(), startClickHouse()] as const);
    store = await openClickHouseStore({ url: clickhouse.url, database });
    bus = await openKafkaBus({ brokers: [kafka.url], clientId: 'analyze-scaleout-test' });
  }, 180_000);
  afterAll(async () => {
    for (const r of roles) r.child.kill('SIGKILL');
    await bus?.close();
    await store?.close();
    await Promise.all([kafka?.stop(), clickhouse?.stop()]);
  });

  it('two replicas each own some runs; kill -9 of one loses no finding and doubles none', async () => {
    await role('ingest');
    const replicas = [await role('analyze'), await role('analyze')];
    // Both are in the group once each has an assignment of its own after the second joined.
    const owns = (r: RoleProcess): number[] => (said(r, 'analyze owns partitions').at(-1)?.partitions as number[] | undefined) ?? [];
    await until('both replicas to own partitions', () => replicas.every((r) => owns(r).length > 0));
    log('partitions', { first: owns(replicas[0] as RoleProcess), second: owns(replicas[1] as RoleProcess) });

    const enc = new MessageEncoder('mh-agents');
    const publish = async <N extends TableName>(table: N, rows: readonly Row<N>[], key: string): Promise<void> => {
      const m = enc.encode(table, rows, key);
      await bus.producer().send(m.topic, [m]);
    };
    // Early runs end before the kill and late ones after: each set falls in every partition, so the
    // survivor has analysed runs of its own and the victim holds unfinished ones, whichever way the group split.
    const partitions = Math.max(...replicas.flatMap(owns)) + 1;
    const [early, late] = [idsInEveryPartition(6, partitions, 'mh-e'), idsInEveryPartition(6, partitions, 'mh-l')];
    const runs = new MultiHostRuns([...early, ...late], publish);
    // A run's end follows its samples: it is sent once the router has passed them on (the samples
    // are backdated, so the analyzer's settle time after the last sample does not apply).
    const routed = (): Promise<void> => until('the router to pass everything on', async () => (await bus.lag(ROUTE_GROUP, ANALYZER_INPUT_TOPICS)) === 0);
    await runs.start();
    await runs.ticks(0, TICKS / 2);
    await routed();
    await runs.end(TICKS / 2, early);
    const analysed = (): string[] => replicas.flatMap((r) => runsOf(r, 'run analysed'));
    await until('the early runs to be analysed', () => early.every((id) => analysed().includes(id)));
    await runs.ticks(TICKS / 2, TICKS * 3 / 4, late);
    await until('every late tick to reach its owner', () => late.every((id) => replicas.some((r) => runsOf(r, 'run owned').includes(id))));
    await sleep(3000);

    // The victim has analysed runs of its own and holds unfinished ones: kill -9 loses their state.
    const victim = replicas.find((r) => runsOf(r, 'run analysed').length > 0 && late.some((id) => runsOf(r, 'run owned').includes(id)));
    if (!victim) throw new Error(`no replica both analysed a run and holds an unfinished one: ${JSON.stringify(replicas.map((r) => runsOf(r, 'run owned')))}`);
    const survivor = replicas.find((r) => r !== victim) as RoleProcess;
    const victimHeld = late.filter((id) => runsOf(victim, 'run owned').includes(id));
    await victim.stop('SIGKILL');
    log('analyze replica killed -9', { analysed: runsOf(victim, 'run analysed'), unfinished: victimHeld, survivor_analysed: runsOf(survivor, 'run analysed') });
    expect(runsOf(survivor, 'run analysed').length).toBeGreaterThan(0); // both owned runs

    await runs.ticks(TICKS * 3 / 4, TICKS, late);
    await routed();
    await runs.end(TICKS, late);
    const summaries = async (): Promise<Map<string, { raw: number; final: number }>> => storedCounts(store, 'run_summaries', 'run_id');
    await until('a summary of every run in the store', async () => (await summaries()).size === runs.ids.length, 180_000);
    await sleep(8000); // room for a second analysis of any run, which must not come

    const stored = await summaries();
    const rows = await store.query<{ run_id: string; hosts: number; cpu_s: number }>('SELECT run_id, hosts, cpu_s FROM run_summaries');
    const findings = await storedCounts(store, 'findings', 'run_id');
    const idsPerKey = new Map((await store.query<{ run_id: string; ids: number | string; keys: number | string }>(
      'SELECT run_id, uniqExact(finding_id) AS ids, uniqExact(kind, scope, scope_id) AS keys FROM findings FINAL GROUP BY run_id'))
      .map((r) => [r.run_id, { ids: Number(r.ids), keys: Number(r.keys) }]));
    const imbalanced = new Set((await store.query<{ run_id: string }>(`SELECT run_id FROM findings WHERE kind = 'load_imbalance'`)).map((r) => r.run_id));
    const doubled = [...idsPerKey].filter(([, v]) => v.ids !== v.keys).map(([id]) => id);
    if (doubled.length > 0) {
      const all = await store.query<{ run_id: string }>('SELECT run_id, kind, scope, scope_id, finding_id, start_ts, end_ts, severity, updated_ts FROM findings FINAL ORDER BY run_id, kind, finding_id');
      log('findings of runs with a key under two ids', { rows: all.filter((f) => doubled.includes(f.run_id)) });
    }
    log('stored', { summaries: Object.fromEntries(stored), findings: Object.fromEntries(findings), victim_runs_taken_over: victimHeld.filter((id) => runsOf(survivor, 'run analysed').includes(id)) });
    for (const id of runs.ids) {
      expect(stored.get(id), id).toEqual({ raw: 1, final: 1 });
      expect(rows.filter((r) => r.run_id === id).map((r) => [Number(r.hosts), Math.round(Number(r.cpu_s) * 10) / 10]), id)
        .toEqual([[2, Math.round(expectedCpuS(early.includes(id) ? TICKS / 2 : TICKS) * 10) / 10]]);
      // Live findings are versioned rows (updated_ts): a finding re-published while it holds is stored
      // again and FINAL keeps its newest version, so raw > FINAL there is expected. A finding doubled
      // by a replay after the kill would carry a second id for the same kind and scope: none may.
      const f = findings.get(id);
      expect(f?.final, id).toBeGreaterThan(0);
      expect(idsPerKey.get(id), id).toEqual({ ids: f?.final, keys: f?.final });
      expect(imbalanced.has(id), id).toBe(true);
    }
    // Every unfinished run of the victim was analysed by the survivor, once.
    for (const id of victimHeld) expect(runsOf(survivor, 'run analysed'), id).toContain(id);
    expect(new Set(analysed()).size).toBe(analysed().length);
  }, 600_000);
});
