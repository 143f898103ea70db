import type { Bus, BusBatch, OutgoingMessage, Store, Subscription } from '@runlens/pipeline';
import { ComponentCounters, DEAD_LETTER_TOPIC, type Logger, MessageEncoder, type Row, type TableName, decodeMessage, messageRows, topicFor, verdictFrozen } from '@runlens/schemas';
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

export const ANALYZE_GROUP = 'runlens-analyze';
export const STALE_RUN_MS = DEFAULTS.staleMs;
const INPUT: readonly TableName[] = ['runs', 'process_samples', 'node_samples', 'cgroup_samples', 'gpu_samples', 'gpu_process_samples', 'ib_samples', 'node_profiles', 'node_events', 'mpi_samples'];

export interface AnalyzerOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly log: Logger;
  readonly agentId: string;
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
}

/**
 * The streaming analyzer: consumes the sample topics with its own consumer group, keeps
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
  private sub: Subscription | null = null;
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
    }, { settleMs: opts.settleMs, minSpacingMs: opts.evalIntervalMs, graceMs: opts.graceMs });
  }

  async start(): Promise<void> {
    const outputs: TableName[] = ['findings', 'run_summaries', 'app_models'];
    await this.opts.bus.ensureTopics([...INPUT, ...outputs].map(topicFor).concat(DEAD_LETTER_TOPIC));
    this.sub = await this.opts.bus.subscribe({ group: ANALYZE_GROUP, topics: INPUT.map(topicFor), eachBatch: async (b) => this.consume(b) });
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    await this.sub?.stop();
    await this.scheduler.stop();
  }

  /**
   * Finalises a run now, once everything published so far has been consumed: for callers
   * that know the run has ended (`runlens run`) and should not wait for the next evaluation.
   */
  async finishNow(runId: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const topics = INPUT.map(topicFor);
    while ((await this.opts.bus.lag(ANALYZE_GROUP, topics)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
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

  private async consume(b: BusBatch): Promise<void> {
    const rejects: OutgoingMessage[] = [];
    for (const m of b.messages) {
      const d = decodeMessage(m);
      const rows = d.kind === 'ok' ? messageRows(d.value) : d;
      if (d.kind === 'ok' && rows.kind === 'ok') {
        this.counters.received += rows.value.length;
        this.state.add(d.value.table, rows.value);
        this.scheduler.poke();
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

  /**
   * The verdict is frozen at the run's end: a run this analyzer already judged, or one judged
   * before (another replica, before a restart; asked of the store once per run state), only adds
   * findings flagged `after_end`, and never a second summary or app model.
   */
  private async checkFrozen(run: RunState): Promise<void> {
    if (run.afterEnd || run.frozenChecked) return;
    run.frozenChecked = true;
    run.afterEnd = await verdictFrozen(this.opts.store, run.run_id).catch(() => false);
  }

  private async evaluateLive(run: RunState, tick: number): Promise<void> {
    await this.checkFrozen(run);
    await this.publishFindings(run, this.live.evaluate(run, tick), Date.now());
  }

  private async finalise(run: RunState): Promise<void> {
    run.finalised = true;
    await this.checkFrozen(run);
    const window = run.window(this.state.hosts);
    // A run too short for the per-tick detectors is judged on its totals (model/short-run.ts).
    const { verdict: drafts, unconfirmed } = this.live.final(run.run_id, leadWithCauses(withShortRun(run.meta, window, DETECTORS.flatMap((d) => d.evaluate(window)))));
    const model = run.afterEnd ? null : await finishRunModel(this.opts.store, run, window, drafts).catch((e: unknown) => {
      this.opts.log.warn('run model failed', { run_id: run.run_id, error: String(e) });
      return null;
    });
    const now = Date.now();
    await this.publishFindings(run, [...drafts, ...unconfirmed, ...(model?.findings ?? [])], now);
    if (model) {
      await this.publish('run_summaries', [model.summary]);
      if (model.appModel) await this.publish('app_models', [model.appModel]);
    }
    for (const w of this.waiters.get(run.run_id) ?? []) w();
    this.waiters.delete(run.run_id);
    this.state.close(run.run_id);
  }

  private async publishFindings(run: RunState, drafts: readonly FindingDraft[], now: number): Promise<void> {
    const rows: Row<'findings'>[] = drafts.map((d) => {
      const f = stampFinding(run.run_id, d, run.afterEnd);
      return { ...f, after_end: f.after_end ?? 0, updated_ts: now, evidence: JSON.stringify(f.evidence) };
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
