import type { Bus, BusBatch, BusMessage, OutgoingMessage, Subscription, TopicPartition } from '@runlens/pipeline';
import {
  ANALYZER_HOSTS_TOPIC, ANALYZER_RUNS_TOPIC, type ColumnBatch, type ComponentCounters, type Finding, type Logger, type Row, type TableName,
  decodeMessage, findingOfRow, messageRows, sleep,
} from '@runlens/schemas';
import { randomUUID } from 'node:crypto';
import { RunRouter } from './run-router.ts';
import { DIGEST_HEADER, HOST_DATA_HEADER, runOfRow } from './run-ids.ts';
import { type Got, readRouted } from './routed-rows.ts';
import { SeenMessages } from './seen-messages.ts';
import { type LoadCols, type ProcessCols, colsOfBatch, colsOfRows, loadColsOfBatch } from '../state/process-cols.ts';
import { RUN_LOAD_HEADER } from '../state/run-load.ts';

/** The analyzer's second stage: one consumer group over the run-keyed topic; a partition's owner owns its runs. */
export const ANALYZE_GROUP = 'runlens-analyze';
/** A marker on the run-keyed topic, in the run's partition: its analysis is published, or a caller waits for it. */
const MARKER = 'marker';
const FINALISED = 'run_finalised';
const FLUSH = 'flush';
/** A copy of findings a replica published for a run, in the run's partition (RunOwnership.published). */
const EPISODES = 'episodes';
/** Names the replica process that wrote an EPISODES marker: its own markers are not read back. */
const INSTANCE = 'instance';
const CLOSED_KEPT = 10_000;
/** Host-topic lag at which the host state counts as restored, and the longest a replica waits for it at start. */
const RESTORED_LAG = 100;
const RESTORE_MAX_MS = 60_000;

/** What the analyzer does with what its partitions bring. */
export interface RunSink {
  add(table: TableName, rows: readonly Row<TableName>[]): void;
  /** A process_samples batch, as columns. */
  addProcesses(cols: ProcessCols): void;
  /** Each run's CPU per host and tick, which every replica needs as its runs' outside load. */
  addRunLoads(cols: LoadCols): void;
  /** Forget a run without analysing it: another replica owns it now, or has already published its analysis. */
  drop(runId: string): void;
  /** Findings another replica published for one of this replica's runs while it owned the run. */
  adopt(runId: string, findings: readonly Finding[]): void;
}

interface OpenRun { readonly partition: number; readonly first: number }

/**
 * The input side of an analyzer replica. Its router repartitions the sample topics by run; it owns
 * the runs of the run-keyed partitions the group assigns it, and reads the host-keyed topic in full
 * through a group of its own (a global table: node rows serve every run on the host, whoever owns it).
 *
 * A run's state lives in memory, so a partition's committed offset stays at the first message of its
 * oldest open run: a replica killed -9 loses its runs' state, and the partition's next owner replays
 * them from there. A run whose analysis was published carries a `run_finalised` marker in its
 * partition, so a replay drops it instead of analysing it twice; and no run is judged before its
 * partition has been read up to the end it had when assigned (`ready`).
 */
export class RunOwnership {
  readonly router: RunRouter;
  private readonly subs: Subscription[] = [];
  private owned: readonly number[] = [];
  private readonly caughtUp = new Set<number>();
  /** Next offset already applied per owned partition: a rebalance rewinds kept partitions to the committed offset. */
  private readonly applied = new Map<number, number>();
  private readonly open = new Map<string, OpenRun>();
  private readonly closedRuns = new Set<string>();
  private readonly flushes = new Map<string, () => void>();
  private readonly hostsGroup: string;
  /** Per owned partition: forgotten with the partition, so taking it back replays it in full. */
  private readonly seenRuns = new Map<number, SeenMessages>();
  private readonly seenHosts = new SeenMessages();
  private readonly instance = randomUUID();

  /**
   * `holdForReplay` (default: on Kafka) keeps each partition's commits at its oldest open run. In
   * one process (the memory bus) a replica's death takes the bus with it, nothing replays, and a
   * held partition would only keep its messages in memory.
   */
  constructor(
    private readonly bus: Bus, private readonly log: Logger, agentId: string, private readonly counters: ComponentCounters,
    private readonly sink: RunSink, private readonly holdForReplay = bus.kind === 'kafka',
  ) {
    this.router = new RunRouter(bus, log, counters);
    this.hostsGroup = `${ANALYZE_GROUP}-hosts.${agentId}`;
  }

  async start(): Promise<void> {
    this.subs.push(await this.bus.subscribe({ group: this.hostsGroup, topics: [ANALYZER_HOSTS_TOPIC], eachBatch: async (b) => this.applyHosts(b) }));
    await this.restoreHosts();
    this.subs.push(await this.bus.subscribe({
      group: ANALYZE_GROUP, topics: [ANALYZER_RUNS_TOPIC], eachBatch: async (b) => this.applyRuns(b),
      onAssign: (ps) => this.assigned(ps), commitBelow: (_t, p) => this.holdOf(p),
    }));
    await this.router.start();
  }

  async stop(): Promise<void> {
    await this.router.stop();
    for (const s of this.subs.splice(0)) await s.stop();
  }

  /** Partitions of the run-keyed topic this replica owns. */
  partitions(): readonly number[] {
    return this.owned;
  }

  /** Whether the run may be judged: its partition is read up to date (not replaying), or it is not partitioned here. */
  ready(runId: string): boolean {
    const o = this.open.get(runId);
    return o === undefined || this.caughtUp.has(o.partition);
  }

  /** After a run's analysis is published: marks it in its partition, so no replay analyses it again. */
  async closed(runId: string): Promise<void> {
    const o = this.open.get(runId);
    await this.bus.producer().send(ANALYZER_RUNS_TOPIC, [{ key: runId, value: new TextEncoder().encode(runId), headers: { [MARKER]: FINALISED, run_id: runId } }]);
    this.forget(runId);
    this.log.info('run analysed', { run_id: runId, partition: o?.partition ?? null });
  }

  /**
   * After findings of a live run are published: a copy in the run's partition, after the data they
   * were found in. A replica that takes the partition over replays the run's data from its first
   * message (the commits are held there), meets the copy on the way and continues those episodes
   * under their ids (FindingTracker.adopt), before it judges the run itself. The store, which the
   * new owner also asks, may not hold them yet: ingest writes about every second, and a rebalance
   * hands a partition over at once. Only where partitions are replayed (holdForReplay).
   */
  async published(runId: string, findings: OutgoingMessage): Promise<void> {
    if (!this.holdForReplay) return;
    await this.bus.producer().send(ANALYZER_RUNS_TOPIC, [{ key: runId, value: findings.value, headers: { ...findings.headers, [MARKER]: EPISODES, run_id: runId, [INSTANCE]: this.instance } }]);
  }

  /**
   * Resolves once everything published before the call has reached this replica's state: the router
   * has no lag, the host topic none, and a flush marker sent through the run's partition came back.
   */
  async flush(runId: string, deadline: number): Promise<void> {
    while ((await this.router.lag()) > 0 && Date.now() < deadline) await sleep(20);
    while ((await this.bus.lag(this.hostsGroup, [ANALYZER_HOSTS_TOPIC])) > 0 && Date.now() < deadline) await sleep(20);
    const token = randomUUID();
    const back = new Promise<void>((resolve) => this.flushes.set(token, resolve));
    await this.bus.producer().send(ANALYZER_RUNS_TOPIC, [{ key: runId, value: new TextEncoder().encode(runId), headers: { [MARKER]: FLUSH, token } }]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([back, new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now())); })]);
    clearTimeout(timer);
    this.flushes.delete(token);
  }

  /**
   * Reads the host rows already on the topic before taking any run, as Kafka Streams restores a global
   * table before its tasks start: a replica started after another died takes over runs with their
   * hosts' history. Under steady traffic the lag may never be 0: a second of "nearly there" is enough.
   */
  private async restoreHosts(): Promise<void> {
    const started = Date.now();
    let lag = await this.bus.lag(this.hostsGroup, [ANALYZER_HOSTS_TOPIC]);
    const behind = lag;
    for (let near = 0; lag > 0 && near < 10 && Date.now() - started < RESTORE_MAX_MS;) {
      await sleep(100);
      lag = await this.bus.lag(this.hostsGroup, [ANALYZER_HOSTS_TOPIC]);
      near = lag <= RESTORED_LAG ? near + 1 : 0;
    }
    if (behind > 0) this.log.info('host state restored', { messages: behind - lag, lag, ms: Date.now() - started });
  }

  private assigned(ps: readonly TopicPartition[]): void {
    const mine = ps.filter((p) => p.topic === ANALYZER_RUNS_TOPIC).map((p) => p.partition).sort((a, b) => a - b);
    // Runs of a partition taken away are its new owner's now: dropped unanalysed, not closed.
    for (const [id, o] of this.open) {
      if (mine.includes(o.partition)) continue;
      this.sink.drop(id);
      this.open.delete(id);
    }
    for (const p of this.applied.keys()) if (!mine.includes(p)) this.applied.delete(p);
    for (const p of this.seenRuns.keys()) if (!mine.includes(p)) this.seenRuns.delete(p);
    this.owned = mine;
    // A kept partition keeps its state and skips what it re-reads; a new one replays before its runs are judged.
    for (const p of this.caughtUp) if (!mine.includes(p)) this.caughtUp.delete(p);
    this.log.info('analyze owns partitions', { topic: ANALYZER_RUNS_TOPIC, partitions: mine });
  }

  private holdOf(partition: number): number | undefined {
    if (!this.holdForReplay) return undefined;
    let hold: number | undefined;
    for (const o of this.open.values()) if (o.partition === partition && (hold === undefined || o.first < hold)) hold = o.first;
    return hold;
  }

  /** A run whose analysis is published (`drop`: by another replica, so this one's state goes unanalysed). */
  private forget(runId: string, drop = false): void {
    if (drop) this.sink.drop(runId);
    this.open.delete(runId);
    this.closedRuns.add(runId);
    if (this.closedRuns.size > CLOSED_KEPT) for (const id of this.closedRuns) { this.closedRuns.delete(id); break; }
  }

  private applyRuns(b: BusBatch): void {
    const from = this.applied.get(b.partition) ?? 0;
    for (const m of b.messages) {
      if (m.offset < from) continue;
      const marker = m.headers[MARKER];
      if (marker === FLUSH) this.flushes.get(m.headers.token ?? '')?.();
      else if (marker === FINALISED) this.forget(m.headers.run_id ?? '', this.open.has(m.headers.run_id ?? ''));
      else if (marker === EPISODES) this.applyEpisodes(m);
      else if (m.headers[HOST_DATA_HEADER] !== undefined) this.applyHost(m, m.headers[HOST_DATA_HEADER]);
      else this.applyRun(b.partition, m.offset, m);
    }
    const next = (b.messages[b.messages.length - 1]?.offset ?? from - 1) + 1;
    this.applied.set(b.partition, Math.max(from, next));
    if (b.highWatermark === undefined || next >= b.highWatermark) this.caughtUp.add(b.partition);
  }

  private applyRun(partition: number, offset: number, m: BusMessage): void {
    const got = this.rowsOf(m, this.seenIn(partition), colsOfBatch);
    const runId = got ? runOfRow(got.first) : '';
    if (!got || runId === '') return;
    // Rows after an analysed run's marker are late data (a process outliving the run's end, a late
    // accounting row): the run opens again, and the analyzer, knowing its verdict frozen (its own
    // record or the stored summary), judges them apart as after_end. Rows a replay meets before the
    // marker are dropped by the marker, so this never analyses a run twice.
    if (this.closedRuns.delete(runId)) this.log.info('late data for an analysed run', { run_id: runId, partition });
    if (!this.open.has(runId)) {
      this.open.set(runId, { partition, first: offset });
      this.log.info('run owned', { run_id: runId, partition, offset });
    }
    this.apply(got);
  }

  /** Another replica's findings for a run this one owns now (published); a run already analysed, or its rows unreadable, are passed over. */
  private applyEpisodes(m: BusMessage): void {
    const runId = m.headers.run_id ?? '';
    if (m.headers[INSTANCE] === this.instance || !this.open.has(runId)) return;
    const d = decodeMessage(m);
    const rows = d.kind === 'ok' && d.value.table === 'findings' ? messageRows(d.value) : null;
    if (rows?.kind !== 'ok') {
      this.counters.discard('episodes_unreadable');
      return;
    }
    const findings = rows.value.flatMap((r) => {
      const f = findingOfRow(r as Record<string, unknown>);
      return f && f.run_id === runId ? [f] : [];
    });
    if (findings.length > 0) this.sink.adopt(runId, findings);
  }

  private apply(got: Got): void {
    if ('cols' in got) for (const c of got.cols) this.sink.addProcesses(c);
    else this.sink.add(got.table, got.rows);
  }

  private applyHosts(b: BusBatch): void {
    for (const m of b.messages) this.applyHost(m, m.key);
  }

  /**
   * A host's rows, from the host topic or copied into a run's partition (run-router.ts fanOut):
   * repeats are known by host and content, so the copies a host with several runs here sends are
   * applied once.
   */
  private applyHost(m: BusMessage, host: string): void {
    if (m.headers[RUN_LOAD_HEADER] === '1') {
      this.applyLoads(m, host);
      return;
    }
    const got = this.rowsOf(m, this.seenHosts, colsOfBatch, host);
    if (got) this.apply(got);
  }

  /** Other runs' load per host and tick: only the columns it is summed from are read. */
  private applyLoads(m: BusMessage, host: string): void {
    const got = this.rowsOf(m, this.seenHosts, loadColsOfBatch, host);
    if (!got) return;
    if ('cols' in got) for (const c of got.cols) this.sink.addRunLoads(c);
    else if (got.table === 'process_samples') this.sink.addRunLoads(colsOfRows(got.rows as Row<'process_samples'>[]));
    else this.sink.add(got.table, got.rows);
  }

  private seenIn(partition: number): SeenMessages {
    let s = this.seenRuns.get(partition);
    if (!s) this.seenRuns.set(partition, (s = new SeenMessages(25_000)));
    return s;
  }

  /**
   * What the router wrote, unless a repeat: process samples as columns straight from the Arrow
   * buffers, other tables as rows. They were read once already, so a failure here is only counted.
   */
  private rowsOf<C>(m: BusMessage, seen: SeenMessages, read: (b: ColumnBatch) => C, key = m.key): Got<C> | null {
    if (!seen.first(key, m.headers.table ?? '', m.value, m.headers[DIGEST_HEADER])) {
      this.counters.discard('repeat');
      return null;
    }
    return readRouted(m, read, (code) => this.counters.discard(`repartition:${code}`));
  }
}
