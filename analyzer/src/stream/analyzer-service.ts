import type { Bus, Store } from '@runlens/pipeline';
import { ANALYZER_HOSTS_TOPIC, ANALYZER_RUNS_TOPIC, ComponentCounters, DEAD_LETTER_TOPIC, type Logger, MessageEncoder, type Row, type TableName, topicFor } from '@runlens/schemas';
import type { FindingDraft } from '../detectors/detector.ts';
import { leadWithCauses } from '../detectors/causes.ts';
import { DETECTORS } from '../detectors/registry.ts';
import { stampFinding } from '../detectors/stamp.ts';
import { finishRunModel } from '../model/finish-run.ts';
import { withShortRun } from '../model/short-run.ts';
import { AnalyzerState } from '../state/analyzer-state.ts';
import type { RunState } from '../state/run-state.ts';
import { FindingTracker } from './finding-tracker.ts';
import { ANALYZE_GROUP, RunOwnership } from './run-ownership.ts';
import { ANALYZER_INPUT } from './run-router.ts';

export { ANALYZE_GROUP };
export const STALE_RUN_MS = 10 * 60 * 1000;

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
  /** Hold commits so another replica can replay this one's open runs (default: on Kafka; run-ownership.ts). */
  readonly holdForReplay?: boolean;
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
  private readonly input: RunOwnership;
  private timer: NodeJS.Timeout | null = null;
  private evaluating: Promise<void> = Promise.resolve();
  private readonly encoder: MessageEncoder;
  /** Sample rows read (received) and result rows published (sent); dead letters by reason. */
  readonly counters = new ComponentCounters('analyzer');

  constructor(private readonly opts: AnalyzerOptions) {
    this.encoder = new MessageEncoder(opts.agentId);
    this.input = new RunOwnership(opts.bus, opts.log, opts.agentId, this.counters, {
      add: (table, rows) => this.state.add(table, rows),
      drop: (runId) => {
        this.state.runs.delete(runId);
        this.trackers.delete(runId);
      },
    }, opts.holdForReplay);
  }

  /** Partitions of the run-keyed topic, hence runs, this replica owns. */
  ownedPartitions(): readonly number[] {
    return this.input.partitions();
  }

  async start(): Promise<void> {
    const outputs: TableName[] = ['findings', 'run_summaries', 'app_models'];
    await this.opts.bus.ensureTopics([...ANALYZER_INPUT, ...outputs].map(topicFor).concat(DEAD_LETTER_TOPIC, ANALYZER_RUNS_TOPIC, ANALYZER_HOSTS_TOPIC));
    await this.input.start();
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
    await this.input.stop();
    await this.evaluating;
  }

  /**
   * Finalises a run now, once everything published so far has been consumed: for callers
   * that know the run has ended (`runlens run`) and should not wait for the next evaluation.
   */
  async finishNow(runId: string, timeoutMs = 30_000): Promise<void> {
    await this.input.flush(runId, Date.now() + timeoutMs);
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

  private async evaluateAll(): Promise<void> {
    const now = Date.now();
    for (const run of [...this.state.runs.values()]) {
      if (run.finalised || !this.input.ready(run.run_id)) continue;
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
    await this.input.closed(run.run_id);
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
