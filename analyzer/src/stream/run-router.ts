import type { Bus, BusBatch, OutgoingMessage, Subscription } from '@runlens/pipeline';
import {
  ANALYZER_HOSTS_TOPIC, ANALYZER_RUNS_TOPIC, type ColumnBatch, type ComponentCounters, DEAD_LETTER_TOPIC, type DecodedMessage, type Logger,
  HOST_RUNS_HEADER, HOST_TICK_TABLES, MAX_HOST_RUNS, type MessageOrigin, type Row, type StageResult, type TableName, decodeMessage, encodeColumns, encodeMessage, groupBy, messageRows, parseHostRuns, rowRanges, selectGroups, topicFor, wireMessage,
} from '@runlens/schemas';
import { type LoadCols, colsOfRows, loadColsOfBatch } from '../state/process-cols.ts';
import { RUN_LOAD_HEADER, runLoadRows } from '../state/run-load.ts';
import { HostRuns } from './host-runs.ts';
import { DIGEST_HEADER, HOST_DATA_HEADER, runIdOf, runOfRow } from './run-ids.ts';
import { digestOf } from './seen-messages.ts';

/** The analyzer's first stage: one consumer group over the host-keyed sample topics. */
export const ROUTE_GROUP = 'runlens-analyze-route';
export const ANALYZER_INPUT: readonly TableName[] = ['runs', 'process_samples', 'node_samples', 'cgroup_samples', 'gpu_samples', 'gpu_process_samples', 'ib_samples', 'node_profiles', 'device_profiles', 'node_events', 'mpi_samples'];
export const ANALYZER_INPUT_TOPICS: readonly string[] = ANALYZER_INPUT.map(topicFor);

/** Where a row goes: the run-keyed topic by run id, else the host-keyed one by host (where fanOut may take it on to the host's runs). */
function destination(row: Readonly<Record<string, unknown>>): { topic: string; key: string } {
  const run = runOfRow(row);
  return run !== '' ? { topic: ANALYZER_RUNS_TOPIC, key: run } : { topic: ANALYZER_HOSTS_TOPIC, key: typeof row.host === 'string' ? row.host : '' };
}

/** The one destination of every row of a message, read from its run_id and host columns; null when its rows go several ways. */
function soleDestination(batches: readonly ColumnBatch[]): { topic: string; key: string } | null {
  // destination() per row, without an object per row: this runs for every message.
  let topic: string | null = null;
  let key = '';
  for (const b of batches) {
    const runs = b.str('run_id');
    const hosts = b.str('host');
    for (let i = 0; i < b.numRows; i++) {
      const run = runIdOf(runs?.[i]);
      const host = hosts?.[i];
      const k = run !== '' ? run : typeof host === 'string' ? host : '';
      const t = run !== '' ? ANALYZER_RUNS_TOPIC : ANALYZER_HOSTS_TOPIC;
      if (topic === null) {
        topic = t;
        key = k;
      } else if (t !== topic || k !== key) return null;
    }
  }
  return topic === null ? null : { topic, key };
}

/**
 * Repartitions the host-keyed sample topics by run (Kafka Streams' repartition topic): rows of a run
 * go to ANALYZER_RUNS_TOPIC keyed by run id, so all hosts of a run meet in one partition and one
 * replica. A host's per-tick rows (node, GPU, InfiniBand, processes outside any run, its runs'
 * load) follow the host's runs into their partitions (fanOut); what a host sends rarely (profiles,
 * kernel events) goes to ANALYZER_HOSTS_TOPIC keyed by host, which every replica reads in full. The
 * router group is co-partitioned, so one router sees a host's process and node messages alike.
 * A batch's offsets are committed only once its rows are on those topics (acks=all), so a
 * replica killed here loses nothing: the next owner of the partition routes the batch again, and
 * the second stage drops the repeats (seen-messages.ts). A split keeps its source's origin (agent
 * id and sequence number), so a repeat is the same message twice.
 */
export class RunRouter {
  private sub: Subscription | null = null;
  private readonly hostRuns = new HostRuns();

  constructor(private readonly bus: Bus, private readonly log: Logger, private readonly counters: ComponentCounters) {}

  async start(): Promise<void> {
    // A host's process and node messages meet in one router, which sends the node rows where its runs are.
    this.sub = await this.bus.subscribe({ group: ROUTE_GROUP, topics: ANALYZER_INPUT_TOPICS, eachBatch: async (b) => this.route(b), coPartitioned: true });
  }

  async stop(): Promise<void> {
    await this.sub?.stop();
    this.sub = null;
  }

  /** Messages of the sample topics not yet on the repartition topics. */
  lag(): Promise<number> {
    return this.bus.lag(ROUTE_GROUP, ANALYZER_INPUT_TOPICS);
  }

  private async route(b: BusBatch): Promise<void> {
    const out = new Map<string, OutgoingMessage[]>();
    const loads = new RunLoadBatch();
    const rejects: OutgoingMessage[] = [];
    for (const m of b.messages) {
      const d = decodeMessage(m);
      const routed = d.kind === 'ok' ? this.routeOne(d.value, m, loads) : d;
      if (Array.isArray(routed)) {
        for (const o of this.fanOut(d.kind === 'ok' ? d.value.table : 'runs', routed, m.headers)) {
          const list = out.get(o.topic);
          if (list) list.push(o);
          else out.set(o.topic, [o]);
        }
      } else if (routed.kind === 'dead_letter') {
        // What the analyzer cannot read it sets aside with the reason and carries on; it never throws
        // on bad data, so one poison message cannot stall a partition.
        this.counters.discard(`dead_letter:${routed.code}`);
        rejects.push({ key: m.key, value: m.value, headers: { ...m.headers, reason: routed.code, detail: routed.detail, source_topic: m.topic, source_offset: String(m.offset), source_group: ROUTE_GROUP } });
      }
    }
    const loadMessages = loads.messages();
    if (loadMessages.length > 0) out.set(ANALYZER_RUNS_TOPIC, [...(out.get(ANALYZER_RUNS_TOPIC) ?? []), ...loadMessages]);
    for (const [topic, messages] of out) await this.bus.producer().send(topic, messages);
    if (rejects.length === 0) return;
    await this.bus.producer().send(DEAD_LETTER_TOPIC, rejects);
    this.log.warn('analyzer set messages aside as dead letters', { count: rejects.length, topic: b.topic });
  }

  /**
   * Where one message's rows go, and its runs' load. A message whose rows all go one way (one run's
   * rows, or only rows outside any run) is read from its run_id and host columns and
   * travels as it came; a mixed one is split from its columns. Rows are read only where columns
   * are not (a list column to split, several record batches, a time past 2^53: a dead letter).
   */
  private routeOne(d: DecodedMessage, m: OutgoingMessage, loads: RunLoadBatch): (OutgoingMessage & { topic: string })[] | StageResult<never> {
    const columns = d.columns;
    const sole = columns ? soleDestination(columns) : null;
    const split = columns?.length === 1 && !sole ? splitColumns(d.table, columns[0] as ColumnBatch, m) : null;
    if (columns && (sole || split)) {
      this.counters.received += d.numRows;
      if (d.table === 'process_samples') for (const c of columns) this.noteLoads(loadColsOfBatch(c), m, loads);
      return sole ? [{ topic: sole.topic, key: sole.key, value: m.value, headers: m.headers }] : split ?? [];
    }
    const rows = messageRows(d);
    if (rows.kind !== 'ok') return rows;
    this.counters.received += rows.value.length;
    if (d.table === 'process_samples') this.noteLoads(colsOfRows(rows.value as Row<'process_samples'>[]), m, loads);
    return this.split(d.table, rows.value as Row<TableName>[], m);
  }

  /** A process message's runs per host (where its host's rows go from now on) and their load. */
  private noteLoads(c: LoadCols, m: OutgoingMessage, loads: RunLoadBatch): void {
    this.hostRuns.note(c);
    loads.add(c, m);
  }

  /**
   * A host's per-tick rows go to the partitions of the runs on the host, not to the topic every
   * replica reads in full: that one's cost grew with the cluster on every replica. The runs are
   * those the agent named on the message (HOST_RUNS_HEADER), else those of the host's newest
   * process message this router routed. A host with no run has its per-tick rows dropped here
   * (ingest stores them; no run needs them); one known neither way keeps the host topic.
   */
  private fanOut(table: TableName, routed: readonly Routed[], headers: Readonly<Record<string, string>>): readonly Routed[] {
    if (table !== 'process_samples' && !HOST_TICK_TABLES.has(table)) return routed;
    const named = table === 'process_samples' ? undefined : parseHostRuns(headers[HOST_RUNS_HEADER]);
    const out: Routed[] = [];
    for (const o of routed) {
      const runs = o.topic === ANALYZER_HOSTS_TOPIC ? named ?? this.hostRuns.runsOn(o.key) : undefined;
      // A host with very many runs: one message on the host topic costs less than a copy per run.
      if (runs === undefined || runs.length > MAX_HOST_RUNS) out.push(o);
      else if (runs.length === 0) this.counters.discard('idle_host');
      else {
        const digest = digestOf(o.value);
        for (const run of runs) out.push(hostDataFor(run, o.key, o, digest));
      }
    }
    return out;
  }

  /** One message per destination; a message whose rows all go one way travels as it came, bytes unchanged. */
  private split(table: TableName, rows: readonly Row<TableName>[], m: OutgoingMessage): (OutgoingMessage & { topic: string })[] {
    const groups = groupBy(rows, (r) => JSON.stringify(destination(r as Record<string, unknown>)));
    if (groups.size === 1) {
      const { topic, key } = destination(rows[0] as Record<string, unknown>);
      return [{ topic, key, value: m.value, headers: m.headers }];
    }
    const origin = { agentId: m.headers.agent_id ?? '', seq: Number(m.headers.seq ?? -1) };
    return [...groups.values()].map((g) => {
      const { topic, key } = destination(g[0] as Record<string, unknown>);
      const w = encodeMessage(table, g, origin, key);
      return { topic, key, value: w.value, headers: w.headers };
    });
  }
}

type Routed = OutgoingMessage & { topic: string };

/** A host's message as a copy in a run's partition (HOST_DATA_HEADER names the host; DIGEST_HEADER carries its bytes' digest, worked out once for all copies). */
const hostDataFor = (run: string, host: string, m: OutgoingMessage, digest: string): Routed =>
  ({ topic: ANALYZER_RUNS_TOPIC, key: run, value: m.value, headers: { ...m.headers, [HOST_DATA_HEADER]: host, [DIGEST_HEADER]: digest } });

/** One message per destination (the rows of a run, of the host), cut from the message's bytes or encoded from its columns; null where neither applies. */
function splitColumns(table: TableName, b: ColumnBatch, m: OutgoingMessage): (OutgoingMessage & { topic: string })[] | null {
  const runs = b.str('run_id');
  const hosts = b.str('host');
  const groups = new Map<string, { dest: { topic: string; key: string }; rows: number[] }>();
  for (let i = 0; i < b.numRows; i++) {
    const dest = destination({ run_id: runs?.[i], host: hosts?.[i] });
    const k = `${dest.topic}\0${dest.key}`;
    const g = groups.get(k);
    if (g) g.rows.push(i);
    else groups.set(k, { dest, rows: [i] });
  }
  const origin = { agentId: m.headers.agent_id ?? '', seq: Number(m.headers.seq ?? -1) };
  const out: (OutgoingMessage & { topic: string })[] = [];
  // The rows' bytes copied from the message (a run's processes mostly lie together); their values encoded where that does not apply.
  const cut = selectGroups(table, m.value, [...groups.values()].map((g) => rowRanges(g.rows)));
  let i = 0;
  for (const { dest, rows } of groups.values()) {
    const pieces = cut?.[i++];
    const bytes = pieces ? Buffer.concat(pieces) : encodeColumns(table, b, rows);
    if (!bytes) return null;
    const w = wireMessage(table, bytes, origin, dest.key);
    out.push({ topic: dest.topic, key: dest.key, value: w.value, headers: w.headers });
  }
  return out;
}

/**
 * The runs' load of a bus batch's process messages, for the host topic (see run-load.ts): one
 * message per host, however many messages the batch held. A host's run at a tick comes in one
 * agent message, so a repeat of that message (a replay) gives the same row, which replaces the
 * first here and in HostState.
 */
class RunLoadBatch {
  private readonly hosts = new Map<string, { origin: MessageOrigin; rows: Map<string, Row<'process_samples'>> }>();

  add(c: LoadCols, m: OutgoingMessage): void {
    for (const r of runLoadRows(c)) {
      let h = this.hosts.get(r.host);
      if (!h) this.hosts.set(r.host, (h = { origin: { agentId: m.headers.agent_id ?? '', seq: Number(m.headers.seq ?? -1) }, rows: new Map() }));
      h.rows.set(`${r.ts}|${r.run_id}`, r);
    }
  }

  /** Per host, one message into the partition of each of its runs; none for a host with one run, whose outside load holds no other run. */
  messages(): Routed[] {
    const out: Routed[] = [];
    for (const [host, h] of this.hosts) {
      const rows = [...h.rows.values()];
      const runs = [...new Set(rows.map((r) => r.run_id))].sort();
      if (runs.length < 2) continue;
      const w = encodeMessage('process_samples', rows, h.origin, host);
      const loads = { topic: ANALYZER_HOSTS_TOPIC, key: host, value: w.value, headers: { ...w.headers, [RUN_LOAD_HEADER]: '1' } };
      const digest = digestOf(w.value);
      for (const run of runs) out.push(hostDataFor(run, host, loads, digest));
    }
    return out;
  }
}
