// One `runlens ingest` worker draining a replay from Kafka (into chDB, the 18.16 server or a 2×2
// cluster), and the order of the replays its warm phases publish (see README.md, Method).
import { freePort } from '@runlens/pipeline/testing/servers';
import { clickHouseClusterUnavailable, startClickHouseCluster } from '@runlens/pipeline/testing/clickhouse-cluster';
import { type LogEnds, logEnds, startGroupAt } from '@runlens/pipeline/bus/kafka/group-offsets';
import { topicFor } from '@runlens/schemas';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseHttp } from '../ingest/clickhouse-http.ts';
import { type IngestRun, runIngest } from '../ingest/kafka-ingest.ts';
import { type GeneratorRun, REPLAY_TABLES } from './generator.ts';
import type { BenchKafka } from './kafka-shape.ts';

/** The run's Kafka, its scratch directory (chDB stores), its log, and where CPU profiles go. */
export interface WorkerContext {
  readonly kafka: BenchKafka;
  readonly temp: string;
  readonly log: (m: string) => void;
  readonly profDir: string | undefined;
}

/** Where one ingest worker writes: chDB, the single server, or the 2×2 cluster (its servers' and ZooKeeper's CPU summed). */
export type Target = { kind: 'chdb' } | { kind: 'clickhouse'; http: ClickHouseHttp } | { kind: 'cluster'; url: string; name: string; pids: number[] };

/**
 * What one ingest worker drains: a replay, and where its group starts (null: the log's start).
 * With `warm`, the worker then drains the next replay, published while it runs (WarmPhase in
 * ../ingest/kafka-ingest.ts); the next worker's group starts past this one's replay, so each
 * worker's first drain is one replay, cold, as before warm phases existed.
 */
export interface Backlog {
  readonly gen: GeneratorRun;
  readonly startAt: LogEnds | null;
  readonly warm: (() => Promise<GeneratorRun>) | null;
}

export async function ingestWorker(target: Target, backlog: Backlog, database: string, ctx: WorkerContext): Promise<IngestRun> {
  const { gen, warm } = backlog;
  const { kafka, temp, log, profDir } = ctx;
  const store = target.kind === 'chdb' ? 'chdb' : 'clickhouse';
  const env: Record<string, string> = target.kind === 'chdb'
    ? { RUNLENS_CHDB_PATH: join(temp, `chdb-${database}`), RUNLENS_CLICKHOUSE_DATABASE: database }
    : target.kind === 'clickhouse'
      ? { RUNLENS_CLICKHOUSE_URL: target.http.url, RUNLENS_CLICKHOUSE_DATABASE: database }
      : { RUNLENS_CLICKHOUSE_URL: target.url, RUNLENS_CLICKHOUSE_CLUSTER: target.name, RUNLENS_CLICKHOUSE_DATABASE: database };
  const serverPid = target.kind === 'chdb' ? null : target.kind === 'clickhouse' ? target.http.serverPid() : target.pids;
  log(`ingest worker → ${target.kind}: draining ${gen.messages} messages`);
  const group = `scale-${target.kind}-${Date.now()}`;
  if (backlog.startAt) await startGroupAt(kafka.url, group, backlog.startAt);
  const run = await runIngest({
    store, brokers: kafka.url, group, serverPid, brokerPid: kafka.pids,
    env: { ...env, RUNLENS_METRICS_PORT: String(await freePort()) }, messages: gen.messages, timeoutS: 600, topics: REPLAY_TABLES.map(topicFor),
    ...(profDir ? { cpuProfDir: join(profDir, target.kind) } : {}),
    ...(warm ? { warm: { publish: async () => { const w = await warm(); return { messages: w.messages, rows: w.process_rows + w.node_rows }; } } } : {}),
  });
  const expected = gen.process_rows + gen.node_rows + (run.warm?.rows ?? 0);
  // At least once: a produce the generator retried (a partition's leader moving on freshly started
  // brokers) puts some messages in the log twice, and ingest writes both (the store's FINAL
  // collapses them). Fewer rows is loss; more is counted, and the rate stays on the distinct rows.
  if (run.rows_sent < expected) throw new Error(`ingest → ${target.kind} stored ${run.rows_sent} rows, expected ${expected}`);
  if (run.rows_sent > expected) log(`  ${target.kind}: ${run.rows_sent - expected} rows written twice (at-least-once duplicates; the rates count distinct rows)`);
  if (run.warm) log(`  ${target.kind}, warm: ${Math.round(run.warm.rows / run.warm.ingest_cpu_s)} rows per ingest CPU-s (${run.warm.rows} rows published live), wall ${run.warm.wall_s.toFixed(1)} s, ingest CPU ${run.warm.ingest_cpu_s.toFixed(1)} s`);
  log(`  ${target.kind}: ${Math.round((gen.process_rows + gen.node_rows) / run.ingest_cpu_s)} rows per ingest CPU-s, wall ${run.wall_s.toFixed(1)} s, ingest CPU ${run.ingest_cpu_s.toFixed(1)} s, server CPU ${run.server_cpu_s?.toFixed(1) ?? '-'} s, broker CPU ${run.broker_cpu_s?.toFixed(1) ?? '-'} s`);
  return run;
}

/**
 * The ingest workers' backlogs, one after the other. Without warm phases every worker drains the
 * first replay from the log's start. With them, worker k drains replay k (its group started where
 * replay k - 1 ended) and then, warm, replay k + 1, which its warm phase publishes; each replay's
 * sequence numbers start past every earlier one's, or ingest would drop them as duplicates.
 */
export class Backlogs {
  private readonly replays: GeneratorRun[];
  private readonly ends: (LogEnds | null)[] = [null];
  private taken = 0;

  constructor(private readonly brokers: string, first: GeneratorRun, private readonly publish: (seqBase: number) => Promise<GeneratorRun>, private readonly warm: boolean) {
    this.replays = [first];
  }

  async next(): Promise<Backlog> {
    const k = this.taken++;
    if (!this.warm) return { gen: this.replays[0] as GeneratorRun, startAt: null, warm: null };
    const gen = this.replays[k] as GeneratorRun;
    return {
      gen, startAt: this.ends[k] ?? null,
      warm: async () => {
        this.ends[k + 1] = await logEnds(this.brokers, REPLAY_TABLES.map(topicFor));
        const next = await this.publish(2 * gen.seconds * (k + 1));
        this.replays[k + 1] = next;
        return next;
      },
    };
  }
}

/** The same backlog into a 2 shards × 2 replicas cluster, started for this and stopped after; null where it cannot run. */
export async function clusterWorker(backlog: Backlog, database: string, ctx: WorkerContext): Promise<IngestRun | null> {
  const { log } = ctx;
  const why = clickHouseClusterUnavailable();
  if (why) {
    log(`no cluster run: ${why}`);
    return null;
  }
  log('starting a 2×2 ClickHouse cluster with ZooKeeper');
  const c = await startClickHouseCluster();
  try {
    return await ingestWorker({ kind: 'cluster', url: c.urls.s1r1, name: c.name, pids: c.pids() }, backlog, database, ctx);
  } finally {
    await c.stop({ kill: true });
    rmSync(c.dir, { recursive: true, force: true });
  }
}
