import { HOST_DATA_HEADER, ROUTE_GROUP, RUN_LOAD_HEADER, RunRouter } from '@runlens/analyzer';
import { type BusMessage, MemoryBus } from '@runlens/pipeline';
import { catalogRow } from '@runlens/pipeline/testing/catalog-row';
import { nodeSampleRow } from '@runlens/pipeline/testing/node-sample-row';
import { ANALYZER_HOSTS_TOPIC, ANALYZER_RUNS_TOPIC, ComponentCounters, HOST_RUNS_HEADER, type Row, type TableName, encodeMessage, silentLogger, sleep, topicFor } from '@runlens/schemas';
import { afterEach, describe, expect, it } from 'vitest';

const BASE = Date.now() - 60_000;

const proc = (host: string, run: string, pid: number, t: number): Row<'process_samples'> => catalogRow('process_samples', {
  ts: BASE + t * 1000, host, run_id: run, rank: run === '' ? null : pid, pid, start_ticks: 1, comm: run === '' ? 'sshd' : 'solver',
  interval_s: 1, cpu_user_cores: 0.5, threads: 1, state: 'R',
});

/** A router on a memory bus, and everything it writes onto the two repartition topics. */
async function routerOnBus(): Promise<{ bus: MemoryBus; counters: ComponentCounters; out: BusMessage[]; send: <N extends TableName>(table: N, rows: Row<N>[], host: string) => Promise<void>; routed: () => Promise<void> }> {
  const bus = new MemoryBus(4);
  const counters = new ComponentCounters('analyzer');
  const router = new RunRouter(bus, silentLogger, counters);
  await router.start();
  const out: BusMessage[] = [];
  await bus.subscribe({ group: 'watch', topics: [ANALYZER_RUNS_TOPIC, ANALYZER_HOSTS_TOPIC], eachBatch: async (b) => { out.push(...b.messages); } });
  let seq = 0;
  const send = async <N extends TableName>(table: N, rows: Row<N>[], host: string): Promise<void> => {
    const m = encodeMessage(table, rows, { agentId: host, seq: seq++ }, host);
    await bus.producer().send(topicFor(table), [m]);
    await routed();
  };
  const routed = async (): Promise<void> => {
    for (let i = 0; i < 500 && ((await bus.lag(ROUTE_GROUP, [topicFor('process_samples'), topicFor('node_samples'), topicFor('node_profiles')])) > 0 || (await bus.lag('watch', [ANALYZER_RUNS_TOPIC, ANALYZER_HOSTS_TOPIC])) > 0); i++) await sleep(5);
  };
  cleanup = async () => {
    await router.stop();
    await bus.close();
  };
  return { bus, counters, out, send, routed };
}

let cleanup: () => Promise<void> = async () => {};
afterEach(async () => cleanup());

/** What went where: topic, key, table, and the host a copy is of. */
const where = (ms: readonly BusMessage[]): string[] => ms.map((m) => `${m.topic === ANALYZER_RUNS_TOPIC ? 'runs' : 'hosts'} ${m.key} ${m.headers.table}${m.headers[RUN_LOAD_HEADER] ? ' load' : ''}${m.headers[HOST_DATA_HEADER] ? ` of ${m.headers[HOST_DATA_HEADER]}` : ''}`).sort();

describe('the router sends a host\'s per-tick rows where its runs are', () => {
  it('copies node rows, the background and the runs\' loads into each run\'s partition of a shared host, not onto the host topic', async () => {
    const r = await routerOnBus();
    // Before any process message of the host: the host topic, as before (every replica reads it).
    await r.send('node_samples', [nodeSampleRow('h1', 0, BASE)], 'h1');
    await r.send('node_profiles', [catalogRow('node_profiles', { ts: BASE, host: 'h1', logical_cpus: 8 })], 'h1');
    expect(where(r.out)).toEqual(['hosts h1 node_profiles', 'hosts h1 node_samples']);
    r.out.length = 0;
    await r.send('process_samples', [proc('h1', 'run-a', 1, 1), proc('h1', 'run-b', 2, 1), proc('h1', '', 3, 1)], 'h1');
    await r.send('node_samples', [nodeSampleRow('h1', 1, BASE)], 'h1');
    expect(where(r.out)).toEqual([
      'runs run-a node_samples of h1', 'runs run-a process_samples', 'runs run-a process_samples load of h1', 'runs run-a process_samples of h1',
      'runs run-b node_samples of h1', 'runs run-b process_samples', 'runs run-b process_samples load of h1', 'runs run-b process_samples of h1',
    ]);
    // The copies are the same bytes, so a replica owning both runs applies them once.
    const copies = r.out.filter((m) => m.headers.table === 'node_samples');
    expect(Buffer.compare(Buffer.from(copies[0]?.value ?? []), Buffer.from(copies[1]?.value ?? []))).toBe(0);
    // Profiles stay global: a run that starts later on the host needs them.
    r.out.length = 0;
    await r.send('node_profiles', [catalogRow('node_profiles', { ts: BASE + 1000, host: 'h1', logical_cpus: 8 })], 'h1');
    expect(where(r.out)).toEqual(['hosts h1 node_profiles']);
  });

  it('follows the runs an agent names on a node message, before any process message of the host', async () => {
    const r = await routerOnBus();
    const named = async (runs: string, i: number): Promise<void> => {
      const m = encodeMessage('node_samples', [nodeSampleRow('h3', i, BASE)], { agentId: 'h3', seq: i }, 'h3');
      await r.bus.producer().send(topicFor('node_samples'), [{ ...m, headers: { ...m.headers, [HOST_RUNS_HEADER]: runs } }]);
      await r.routed();
    };
    await named('run-x,run-y', 1);
    expect(where(r.out)).toEqual(['runs run-x node_samples of h3', 'runs run-y node_samples of h3']);
    r.out.length = 0;
    await named('', 2);
    expect(where(r.out)).toEqual([]);
    // A header no agent of ours writes is not trusted: the host topic, as without one.
    await named('run-x,,run-y', 3);
    expect(where(r.out)).toEqual(['hosts h3 node_samples']);
  });

  it('sends no load for a host with one run, and nothing per tick for an idle host', async () => {
    const r = await routerOnBus();
    await r.send('process_samples', [proc('h2', 'run-c', 1, 1), proc('h2', '', 2, 1)], 'h2');
    expect(where(r.out)).toEqual(['runs run-c process_samples', 'runs run-c process_samples of h2']);
    r.out.length = 0;
    // The run ended: the host's newest process message shows none; its per-tick rows are needed by no run.
    await r.send('process_samples', [proc('h2', '', 2, 2)], 'h2');
    await r.send('node_samples', [nodeSampleRow('h2', 2, BASE)], 'h2');
    expect(where(r.out)).toEqual([]);
    expect(r.counters.discarded.get('idle_host')).toBe(2);
    // An older tick arriving late does not bring the ended run back.
    await r.send('process_samples', [proc('h2', 'run-c', 1, 1)], 'h2');
    r.out.length = 0;
    await r.send('node_samples', [nodeSampleRow('h2', 3, BASE)], 'h2');
    expect(where(r.out)).toEqual([]);
  });
});
