import type { Bus, BusBatch, OutgoingMessage, Store, Subscription } from '@runlens/pipeline';
import { ComponentCounters, DEAD_LETTER_TOPIC, type Logger, MessageEncoder, type Row, type TableName, decodeMessage, messageRows, topicFor } from '@runlens/schemas';
import type { FindingDraft } from '../detectors/detector.ts';
import { leadWithCauses } from '../detectors/causes.ts';
import { DETECTORS } from '../detectors/registry.ts';
import { stampFinding } from '../detectors/stamp.ts';
import { finishRunModel } from '../model/finish-run.ts';
import { withShortRun } from '../model/short-run.ts';
import { AnalyzerState } from '../state/analyzer-state.ts';
import type { RunState } from '../state/run-state.ts';
import { FindingTracker } from './finding-tracker.ts';

export const ANALYZE_GROUP = 'runlens-analyze';
export const STALE_RUN_MS = 10 * 60 * 1000;
const INPUT: readonly TableName[] = ['runs', 'process_samples', 'node_samples', 'cgroup_samples', 'gpu_samples', 'gpu_process_samples', 'ib_samples', 'node_profiles', 'node_events', 'mpi_samples'];

export interface AnalyzerOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly log: Logger;
  readonly agentId: string;
  readonly evalIntervalMs?: number;
  /** Trailing window of live evaluations. */
  readonly longWindowMs?: number;
  /** Quiet time after a run's end row before the final evaluation. */
  readonly settleMs?: number;
}

/**
 * The streaming analyzer: consumes the sample topics with its own consumer group, keeps
 * per-run state, evaluates the detectors every few seconds over a trailing window (with
 * hysteresis), and at run end evaluates the whole run, writes findings, the run summary
 * and the app model. Its outputs go to the bus like any other rows; ingest stores them.
 */
export class AnalyzerService {
  readonly state = new AnalyzerState();
  private readonly trackers = new Map<string, FindingTracker>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private sub: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private evaluating: Promise<void> = Promise.resolve();
  private readonly encoder: MessageEncoder;
  /** Sample rows read (received) and result rows published (sent); dead letters by reason. */
  readonly counters = new ComponentCounters('analyzer');

  constructor(private readonly opts: AnalyzerOptions) {
    this.encoder = new MessageEncoder(opts.agentId);
  }

  async start(): Promise<void> {
    const outputs: TableName[] = ['findings', 'run_summaries', 'app_models'];
    await this.opts.bus.ensureTopics([...INPUT, ...outputs].map(topicFor).concat(DEAD_LETTER_TOPIC));
    this.sub = await this.opts.bus.subscribe({ group: ANALYZE_GROUP, topics: INPUT.map(topicFor), eachBatch: async (b) => this.consume(b) });
    const loop = (): void => {
      this.timer = setTimeout(loop, this.opts.evalIntervalMs ?? 5000);
      this.evaluating = this.evaluating.then(() => this.evaluateAll()).catch((e: unknown) => {
        this.counters.error('evaluate');
        this.opts.log.error('analysis failed', { error: String(e) });
      });
    };
    this.timer = setTimeout(loop, this.opts.evalIntervalMs ?? 5000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.sub?.stop();
    await this.evaluating;
  }

  /**
   * Finalises a run now, once everything published so far has been consumed: for callers
   * that know the run has ended (`runlens run`) and should not wait for the next evaluation.
   */
  async finishNow(runId: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const topics = INPUT.map(topicFor);
    while ((await this.opts.bus.lag(ANALYZE_GROUP, topics)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.evaluating = this.evaluating.then(async () => {
      const run = this.state.runs.get(runId);
      if (run && !run.finalised) await this.finalise(run);
    });
    await this.evaluating;
  }

  /** Resolves once the run's final analysis is published. */
  finished(runId: string): Promise<void> {
    if (this.state.runs.get(runId)?.finalised) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(runId, [...(this.waiters.get(runId) ?? []), resolve]));
  }

  private async consume(b: BusBatch): Promise<void> {
    const rejects: OutgoingMessage[] = [];
    for (const m of b.messages) {
      const d = decodeMessage(m);
      const rows = d.kind === 'ok' ? messageRows(d.value) : d;
      if (d.kind === 'ok' && rows.kind === 'ok') {
        this.counters.received += rows.value.length;
        this.state.add(d.value.table, rows.value);
      } else if (rows.kind === 'dead_letter') {
        this.counters.discard(`dead_letter:${rows.code}`);
        rejects.push({ key: m.key, value: m.value, headers: { ...m.headers, reason: rows.code, detail: rows.detail, source_topic: m.topic, source_offset: String(m.offset), source_group: ANALYZE_GROUP } });
      }
    }
    // What the analyzer cannot read it sets aside with the reason and carries on; it never throws
    // on bad data, so one poison message cannot stall a partition.
    if (rejects.length === 0) return;
    await this.opts.bus.producer().send(DEAD_LETTER_TOPIC, rejects);
    this.opts.log.warn('analyzer set messages aside as dead letters', { count: rejects.length, topic: b.topic });
  }

  private async evaluateAll(): Promise<void> {
    const now = Date.now();
    for (const run of [...this.state.runs.values()]) {
      if (run.finalised) continue;
      const ended = run.meta?.end_ts !== null && run.meta?.end_ts !== undefined;
      const quiet = now - Math.max(run.lastDataTs, run.meta?.updated_ts ?? 0);
      // A run whose end never arrives (a crashed client, a Slurm job seen only through its
      // processes) is closed once its processes are gone, so state cannot grow without bound.
      if ((ended && quiet >= (this.opts.settleMs ?? 1500)) || quiet >= STALE_RUN_MS) await this.finalise(run);
      else if (run.lastDataTs > 0) await this.evaluateLive(run, now);
    }
  }

  private tracker(runId: string): FindingTracker {
    let t = this.trackers.get(runId);
    if (!t) this.trackers.set(runId, (t = new FindingTracker()));
    return t;
  }

  private async evaluateLive(run: RunState, now: number): Promise<void> {
    const window = run.window(this.state.hosts, now - (this.opts.longWindowMs ?? 60_000));
    const drafts = leadWithCauses(DETECTORS.filter((d) => d.live !== false).flatMap((d) => d.evaluate(window)));
    await this.publishFindings(run, this.tracker(run.run_id).update(drafts), now);
  }

  private async finalise(run: RunState): Promise<void> {
    run.finalised = true;
    const window = run.window(this.state.hosts);
    // A run too short for the per-tick detectors is judged on its totals (model/short-run.ts).
    const drafts = this.tracker(run.run_id).final(leadWithCauses(withShortRun(run.meta, window, DETECTORS.flatMap((d) => d.evaluate(window)))));
    const model = await finishRunModel(this.opts.store, run, window, drafts).catch((e: unknown) => {
      this.opts.log.warn('run model failed', { run_id: run.run_id, error: String(e) });
      return null;
    });
    const now = Date.now();
    await this.publishFindings(run, [...drafts, ...(model?.findings ?? [])], now);
    if (model) {
      await this.publish('run_summaries', [model.summary]);
      if (model.appModel) await this.publish('app_models', [model.appModel]);
    }
    this.trackers.delete(run.run_id);
    for (const w of this.waiters.get(run.run_id) ?? []) w();
    this.waiters.delete(run.run_id);
    this.state.runs.delete(run.run_id);
  }

  private async publishFindings(run: RunState, drafts: readonly FindingDraft[], now: number): Promise<void> {
    const rows: Row<'findings'>[] = drafts.map((d) => {
      const f = stampFinding(run.run_id, d);
      return { ...f, updated_ts: now, evidence: JSON.stringify(f.evidence) };
    });
    await this.publish('findings', rows);
  }

  private async publish<N extends TableName>(table: N, rows: readonly Row<N>[]): Promise<void> {
    const first = rows[0];
    if (!first) return;
    const m = this.encoder.encode(table, rows, 'run_id' in first ? String(first.run_id) : table);
    await this.opts.bus.producer().send(m.topic, [m]);
    this.counters.sent += rows.length;
  }
}
