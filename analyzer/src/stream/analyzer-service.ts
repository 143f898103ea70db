import type { Bus, Store } from '@runlens/pipeline';
import { ANALYZER_HOSTS_TOPIC, ANALYZER_RUNS_TOPIC, ComponentCounters, DEAD_LETTER_TOPIC, type Logger, MessageEncoder, type NodeTypesConfig, type Row, type TableName, type WireMessage, findingsOfRun, topicFor, verdictFrozen } from '@runlens/schemas';
import type { FindingDraft } from '../detectors/detector.ts';
import { leadWithCauses } from '../detectors/causes.ts';
import { DETECTORS } from '../detectors/registry.ts';
import { stampFinding } from '../detectors/stamp.ts';
import { finishRunModel } from '../model/finish-run.ts';
import { withShortRun } from '../model/short-run.ts';
import { AnalyzerState } from '../state/analyzer-state.ts';
import type { RunState } from '../state/run-state.ts';
import { DEFAULTS, EvalScheduler } from './eval-scheduler.ts';
import { LiveEvaluator } from './live-eval.ts';
import { ANALYZE_GROUP, RunOwnership } from './run-ownership.ts';
import { ANALYZER_INPUT } from './run-router.ts';

export { ANALYZE_GROUP };
export const STALE_RUN_MS = DEFAULTS.staleMs;

export interface AnalyzerOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly log: Logger;
  readonly agentId: string;
  /** Node types and prices (RUNLENS_NODE_TYPES_FILE): app models are kept per node type. */
  readonly nodeTypes?: NodeTypesConfig;
  /**
   * Least time between two live evaluations of one run. Evaluation is driven by data: a run is
   * evaluated when its newest tick is complete on all its hosts; by default at every tick.
   */
  readonly evalIntervalMs?: number;
  /** How long the newest tick waits for hosts that are late (eval-scheduler.ts). */
  readonly graceMs?: number;
  /** Trailing window of live evaluations. */
  readonly longWindowMs?: number;
  /** Quiet time after a run's end row before the final evaluation. */
  readonly settleMs?: number;
  /** A run whose newest data is this old by the wall clock is closed without an end row (default 10 minutes; a replay of old data needs more). */
  readonly staleMs?: number;
  /** Hold commits so another replica can replay this one's open runs (default: on Kafka; run-ownership.ts). */
  readonly holdForReplay?: boolean;
}

/**
 * The streaming analyzer: owns the runs of its partitions of the run-keyed topic (the router
 * stage repartitions the host-keyed sample topics by run; run-router.ts, run-ownership.ts), keeps
 * per-run state, evaluates the detectors whenever a run's newest tick is complete on all its
 * hosts (eval-scheduler.ts) over a trailing window, with per-kind hysteresis counted in ticks
 * (live-eval.ts), and at run end evaluates the whole run, writes findings, the run summary and
 * the app model. Its outputs go to the bus like any other rows; ingest stores them.
 */
export class AnalyzerService {
  readonly state = new AnalyzerState();
  private readonly live: LiveEvaluator;
  private readonly scheduler: EvalScheduler;
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly input: RunOwnership;
  private readonly encoder: MessageEncoder;
  /** Sample rows read (received) and result rows published (sent); dead letters by reason. */
  readonly counters = new ComponentCounters('analyzer');

  constructor(private readonly opts: AnalyzerOptions) {
    this.encoder = new MessageEncoder(opts.agentId);
    this.live = new LiveEvaluator(this.state.hosts, opts.longWindowMs);
    this.scheduler = new EvalScheduler(this.state, {
      live: async (run, tick) => this.evaluateLive(run, tick),
      finalise: async (run) => this.finalise(run),
      failed: (e) => {
        this.counters.error('evaluate');
        this.opts.log.error('analysis failed', { error: String(e) });
      },
      ready: (runId) => this.input.ready(runId),
    }, { settleMs: opts.settleMs, staleMs: opts.staleMs, minSpacingMs: opts.evalIntervalMs, graceMs: opts.graceMs });
    this.input = new RunOwnership(opts.bus, opts.log, opts.agentId, this.counters, {
      add: (table, rows) => {
        this.state.add(table, rows);
        // A run row can end a run (its settle time) and process rows add ticks: look at every run. Node-level
        // rows make no run due by themselves: only the runs waiting on time are looked at, as after any data.
        this.scheduler.poke(table === 'runs' || table === 'process_samples' ? undefined : []);
      },
      // Process ticks can make only their own runs due: the scheduler looks at those (and the runs waiting on time).
      addProcesses: (cols) => this.scheduler.poke(this.state.addProcessCols(cols)),
      addRunLoads: (cols) => this.state.addRunLoads(cols),
      drop: (runId) => {
        this.state.runs.delete(runId);
        this.live.forget(runId);
        this.scheduler.forget(runId);
      },
      adopt: (runId, findings) => this.live.adopt(runId, findings),
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
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    await this.input.stop();
    await this.scheduler.stop();
  }

  /**
   * Finalises a run now, once everything published so far has been consumed: for callers
   * that know the run has ended (`runlens run`) and should not wait for the next evaluation.
   */
  async finishNow(runId: string, timeoutMs = 30_000): Promise<void> {
    await this.input.flush(runId, Date.now() + timeoutMs);
    await this.scheduler.enqueue(async () => {
      const run = this.state.runs.get(runId);
      if (run && !run.finalised) await this.finalise(run);
    });
  }

  /** Resolves once every evaluation queued so far is done (benches and tests that feed data by hand). */
  async drained(): Promise<void> {
    await this.scheduler.enqueue(async () => {});
  }

  /** Resolves once the run's final analysis is published. */
  finished(runId: string): Promise<void> {
    if (this.state.runs.get(runId)?.finalised) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(runId, [...(this.waiters.get(runId) ?? []), resolve]));
  }

  /**
   * The verdict is frozen at the run's end: a run this analyzer already judged, or one judged
   * before (another replica, before a restart; asked of the store once per run state), only adds
   * findings flagged `after_end`, and never a second summary or app model. A run not yet judged
   * may have been held by another replica (killed, or a rebalance moved it): the findings it
   * published continue under their ids (FindingTracker.adopt).
   */
  private async checkFrozen(run: RunState): Promise<void> {
    if (run.afterEnd || run.frozenChecked) return;
    run.frozenChecked = true;
    run.afterEnd = await verdictFrozen(this.opts.store, run.run_id).catch(() => false);
    if (run.afterEnd) return;
    const published = await findingsOfRun(this.opts.store, run.run_id).catch(() => []);
    if (published.length > 0) this.live.adopt(run.run_id, published);
  }

  private async evaluateLive(run: RunState, tick: number): Promise<void> {
    await this.checkFrozen(run);
    // The copy for a later owner (RunOwnership.published) goes beside the publication, not after it: evaluations run
    // one at a time, so each wait for a broker's acks holds back every run's next evaluation.
    const copy = run.afterEnd ? undefined : (m: WireMessage): Promise<void> => this.input.published(run.run_id, m);
    await this.publishFindings(run, this.live.evaluate(run, tick), Date.now(), copy);
  }

  private async finalise(run: RunState): Promise<void> {
    run.finalised = true;
    // Late data makes a new state for the run: its evaluations start afresh (finishNow comes here without the scheduler).
    this.scheduler.forget(run.run_id);
    await this.checkFrozen(run);
    const window = run.window(this.state.hosts);
    // A run too short for the per-tick detectors is judged on its totals (model/short-run.ts).
    const drafts = withShortRun(run.meta, window, DETECTORS.flatMap((d) => d.evaluate(window)));
    const model = run.afterEnd ? null : await finishRunModel(this.opts.store, run, window, leadWithCauses(drafts), this.opts.nodeTypes).catch((e: unknown) => {
      this.opts.log.warn('run model failed', { run_id: run.run_id, error: String(e) });
      return null;
    });
    // The regression against the app's history joins the verdict, so a cause that explains it leads.
    const { verdict, unconfirmed } = this.live.final(run.run_id, leadWithCauses([...drafts, ...(model?.findings ?? [])]));
    const now = Date.now();
    await this.publishFindings(run, [...verdict, ...unconfirmed], now);
    if (model) {
      await this.publish('run_summaries', [model.summary]);
      if (model.appModel) await this.publish('app_models', [model.appModel]);
    }
    await this.input.closed(run.run_id);
    for (const w of this.waiters.get(run.run_id) ?? []) w();
    this.waiters.delete(run.run_id);
    this.state.close(run.run_id);
  }

  /** Publishes the findings, and sends `alongside` what it sends, at the same time. */
  private async publishFindings(run: RunState, drafts: readonly FindingDraft[], now: number, alongside?: (m: WireMessage) => Promise<void>): Promise<void> {
    const rows: Row<'findings'>[] = drafts.map((d) => {
      const f = stampFinding(run.run_id, d, run.afterEnd);
      return { ...f, after_end: f.after_end ?? 0, updated_ts: now, evidence: JSON.stringify(f.evidence) };
    });
    await this.publish('findings', rows, alongside);
  }

  private async publish<N extends TableName>(table: N, rows: readonly Row<N>[], alongside?: (m: WireMessage) => Promise<void>): Promise<void> {
    const first = rows[0];
    if (!first) return;
    const m = this.encoder.encode(table, rows, 'run_id' in first ? String(first.run_id) : table);
    await Promise.all([this.opts.bus.producer().send(m.topic, [m]), alongside?.(m)]);
    this.counters.sent += rows.length;
  }
}
