import { ANALYZER_INPUT_TOPICS, AnalyzerService, ROUTE_GROUP } from '@runlens/analyzer';
import { MemoryBus, type Store, openChdbStore } from '@runlens/pipeline';
import { nodeSampleRow } from '@runlens/pipeline/testing/node-sample-row';
import { MessageEncoder, type Row, type TableName, readRows, silentLogger, sleep, topicFor } from '@runlens/schemas';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTS, MultiHostRuns, expectedCpuS } from './testing/multi-host-runs.ts';

const TICKS = 12;

/**
 * Two analyzer replicas on the in-memory bus share runs that span two hosts: each owns the runs of
 * its partitions of the run-keyed topic. One is stopped with runs half-read and never finalised;
 * the survivor takes its partitions, replays their runs from the committed offset, and every run
 * gets one summary with both hosts and every tick (each sample batch sent twice, counted once), and
 * its load imbalance across the hosts. A fresh replica that joins meanwhile gets its runs' hosts'
 * history from the partitions it takes.
 */
describe('analyzer replicas share runs by run id (memory bus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-replicas-'));
  const bus = new MemoryBus(4);
  let store: Store;
  const summaries: Row<'run_summaries'>[] = [];
  const findings: Row<'findings'>[] = [];
  beforeAll(async () => {
    store = await openChdbStore({ path: join(dir, 'chdb'), database: 'replicas' });
    await bus.subscribe({
      group: 'outputs', topics: [topicFor('run_summaries'), topicFor('findings')],
      eachBatch: async (b) => {
        for (const m of b.messages) {
          summaries.push(...readRows(m, 'run_summaries'));
          findings.push(...readRows(m, 'findings'));
        }
      },
    });
  });
  afterAll(async () => {
    await bus.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no run and analyses none twice when a replica goes away mid-run', async () => {
    const enc = new MessageEncoder('mh-agents');
    // Every sample batch arrives twice, as an agent's spool replay may send it: counted once.
    const publish = async <N extends TableName>(table: N, rows: readonly Row<N>[], key: string): Promise<void> => {
      const m = enc.encode(table, rows, key);
      await bus.producer().send(m.topic, table === 'process_samples' ? [m, m] : [m]);
    };
    const replica = (n: number): AnalyzerService => new AnalyzerService({ bus, store, log: silentLogger, agentId: `analyzer-${n}`, evalIntervalMs: 300, settleMs: 200, holdForReplay: true });
    const [a, b] = [replica(1), replica(2)];
    await a.start();
    await b.start();
    const runs = new MultiHostRuns(Array.from({ length: 8 }, (_, i) => `mh-run-${i}`), publish);
    await runs.start();
    await runs.ticks(0, TICKS / 2);
    const held = async (): Promise<[string[], string[]]> => {
      for (let i = 0; i < 250 && a.state.runs.size + b.state.runs.size < runs.ids.length; i++) await sleep(20);
      return [[...a.state.runs.keys()], [...b.state.runs.keys()]];
    };
    const [ofA, ofB] = await held();
    // Each replica owns some runs, none is held twice, and a run's two hosts are in the one that owns it.
    expect(ofA.length).toBeGreaterThan(0);
    expect(ofB.length).toBeGreaterThan(0);
    expect([...ofA, ...ofB].sort()).toEqual([...runs.ids].sort());
    expect(a.ownedPartitions().filter((p) => b.ownedPartitions().includes(p))).toEqual([]);

    // Half the runs end and are analysed; then a replica goes away holding the other half unfinished:
    // the survivor replays them, and the analysed ones it reads again on the way it must not repeat.
    const [early, late] = [runs.ids.slice(0, 4), runs.ids.slice(4)];
    // A run's end follows its samples (backdated, so the settle time after the last sample does not apply).
    const routed = async (): Promise<void> => {
      for (let i = 0; i < 500 && (await bus.lag(ROUTE_GROUP, ANALYZER_INPUT_TOPICS)) > 0; i++) await sleep(20);
    };
    await routed();
    await runs.end(TICKS / 2, early);
    for (let i = 0; i < 500 && new Set(summaries.map((s) => s.run_id)).size < early.length; i++) await sleep(20);
    expect(new Set(summaries.map((s) => s.run_id))).toEqual(new Set(early));
    await a.stop(); // its unfinished runs' state goes with it
    // A fresh replica joins, as a restarted one would: the partitions it takes carry its runs' hosts'
    // rows (here with 500 more node rows per host from before the runs, copied into every run's
    // partition), and it replays them before it judges a run. Every row once: none lost, none doubled.
    const HISTORY = 500;
    for (const h of HOSTS) for (let i = 1; i <= HISTORY; i++) await publish('node_samples', [nodeSampleRow(h, -i, runs.base)], h);
    const c = replica(3);
    await c.start();
    const nodeRows = (): (number | undefined)[] => HOSTS.map((h) => c.state.hosts.get(h)?.node.length);
    for (let i = 0; i < 250 && nodeRows().some((n) => n !== HISTORY + TICKS / 2); i++) await sleep(20);
    expect(nodeRows()).toEqual(HOSTS.map(() => HISTORY + TICKS / 2));
    await runs.ticks(TICKS / 2, TICKS, late);
    await routed();
    await runs.end(TICKS, late);
    for (let i = 0; i < 500 && new Set(summaries.map((s) => s.run_id)).size < runs.ids.length; i++) await sleep(20);
    await sleep(1500); // room for a second analysis of any run, which must not come
    await b.stop();
    await c.stop();

    const perRun = new Map(runs.ids.map((id) => [id, summaries.filter((s) => s.run_id === id)]));
    for (const [id, s] of perRun) {
      expect(s.map((x) => x.hosts), id).toEqual([2]);
      expect(s[0]?.cpu_s, id).toBeCloseTo(expectedCpuS(early.includes(id) ? TICKS / 2 : TICKS), 5);
      const mine = findings.filter((f) => f.run_id === id);
      expect(mine.some((f) => f.kind === 'load_imbalance'), id).toBe(true);
      // A finding raised live and then restated by the final verdict is one finding published twice
      // under its one id (versioned rows: the store keeps the newest). A run analysed twice after the
      // replica went away would give a second id to the same kind and scope: none may.
      const keys = new Set(mine.map((f) => `${f.kind}|${f.scope}|${f.scope_id}`));
      expect(new Set(mine.map((f) => f.finding_id)).size, id).toBe(keys.size);

    }
  }, 60_000);
});
