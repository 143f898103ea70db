import type { AnalyzerState } from '../state/analyzer-state.ts';
import type { RunState } from '../state/run-state.ts';

/** What the scheduler drives: a live evaluation of a run at one of its ticks, and its final one. */
export interface EvalTarget {
  live(run: RunState, tickTs: number): Promise<void>;
  finalise(run: RunState): Promise<void>;
  failed(error: unknown): void;
  /** Whether the run may be judged now (its partition is read to the end it had when assigned; run-ownership.ts). */
  ready?(runId: string): boolean;
}

export interface SchedulerOptions {
  /** How long the newest tick waits for hosts that have not delivered it yet. */
  readonly graceMs?: number;
  /** A host this far behind the run's newest tick has left the run (its processes ended): it no longer holds evaluation back. */
  readonly hostGoneMs?: number;
  /** Quiet time after a run's end row before the final evaluation. */
  readonly settleMs?: number;
  /** A run with no data for this long is closed even without an end row. */
  readonly staleMs?: number;
  /** Least time between two live evaluations of one run (0: every complete tick). */
  readonly minSpacingMs?: number;
  /** How often to look for runs whose grace or settle time has passed. */
  readonly sweepMs?: number;
}

export const DEFAULTS = { graceMs: 1000, hostGoneMs: 5000, settleMs: 1500, staleMs: 10 * 60 * 1000, minSpacingMs: 0, sweepMs: 250 } as const;

interface Pending {
  /** The run's newest tick at the last live evaluation. */
  evaluatedTs: number;
  evaluatedAt: number;
  /** When the current newest tick was first seen incomplete (wall time), for the grace. */
  waitingSince: number | null;
}

/**
 * When to evaluate: driven by data, not by a timer. A run is evaluated as soon as its newest
 * tick is complete on all of its hosts, or once a short grace has passed for hosts that are late;
 * ended runs are finalised after a settle time, and runs whose data stopped long ago are closed.
 * Evaluations run one at a time, in order, on one chain that the service shares.
 */
export class EvalScheduler {
  private readonly o: Required<SchedulerOptions>;
  private readonly pending = new Map<string, Pending>();
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  /** Runs with new data since the last look (null: look at every run). */
  private touched: Set<string> | null = new Set();
  /** Runs that time or another run's data can make due (waiting for a host, its settle time, its partition): looked at on every look. */
  private readonly unsettled = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly state: AnalyzerState, private readonly target: EvalTarget, opts: SchedulerOptions = {}) {
    this.o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  }

  start(): void {
    const sweep = (): void => {
      this.poke();
      this.timer = setTimeout(sweep, this.o.sweepMs);
    };
    this.timer = setTimeout(sweep, this.o.sweepMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }

  /**
   * New data arrived (or time passed): look for runs that are due, once, after what is queued.
   * `runs`: the data was only these runs' ticks, so only they (and the unsettled ones) can have
   * become due; a look at every run per message made the cost per message grow with the runs held.
   */
  poke(runs?: Iterable<string>): void {
    if (runs === undefined) this.touched = null;
    else if (this.touched) for (const id of runs) this.touched.add(id);
    if (this.queued) return;
    this.queued = true;
    void this.enqueue(async () => {
      this.queued = false;
      const touched = this.touched;
      this.touched = new Set();
      await this.check(Date.now(), touched);
    });
  }

  /** Runs `fn` after every evaluation queued so far; a failure is reported, never thrown to the caller's loop. */
  enqueue(fn: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(fn).catch((e: unknown) => this.target.failed(e));
    return this.chain;
  }

  /** The tick a run can be evaluated at now, or null: complete on every host still in the run, or past its grace. */
  dueTick(run: RunState, now: number): number | null {
    const p = this.pendingOf(run.run_id);
    const newest = run.lastDataTs;
    if (newest <= p.evaluatedTs || now - p.evaluatedAt < this.o.minSpacingMs) return null;
    // Hosts tick with their own phase: a host has the newest tick when its latest is within half a tick.
    let late = false;
    for (const ts of run.newestByHost.values()) late ||= ts < newest - 500 && ts >= newest - this.o.hostGoneMs;
    if (!late) return newest;
    p.waitingSince ??= now;
    return now - p.waitingSince >= this.o.graceMs ? newest : null;
  }

  /** The runs to look at, in the state's order (the order they were made): all, or the touched and the unsettled. */
  private candidates(touched: ReadonlySet<string> | null): RunState[] {
    if (touched === null) return [...this.state.runs.values()];
    const out: RunState[] = [];
    for (const id of new Set([...touched, ...this.unsettled])) {
      const run = this.state.runs.get(id);
      if (run) out.push(run);
    }
    return out.length > 1 ? out.sort((a, b) => a.order - b.order) : out;
  }

  private async check(now: number, touched: ReadonlySet<string> | null): Promise<void> {
    for (const run of this.candidates(touched)) {
      // Unsettled until shown otherwise below: ended (its settle time), not ready, waiting for a host or the spacing.
      this.unsettled.add(run.run_id);
      if (run.finalised) this.unsettled.delete(run.run_id);
      if (run.finalised || this.target.ready?.(run.run_id) === false) continue;
      const ended = run.meta?.end_ts !== null && run.meta?.end_ts !== undefined;
      // A run known so far only from side rows (its cgroup, MPI reports, GPU processes: a short
      // Slurm job's cgroup row often comes first) has been quiet since it was first seen, not since 1970.
      const quiet = now - (run.lastDataTs === 0 && !run.meta ? run.seenAt : Math.max(run.lastDataTs, run.meta?.updated_ts ?? 0));
      // A run whose end never arrives (a crashed client, a Slurm job seen only through its
      // processes) is closed once its processes are gone, so state cannot grow without bound.
      if ((ended && quiet >= this.o.settleMs) || quiet >= this.o.staleMs) {
        this.pending.delete(run.run_id);
        this.unsettled.delete(run.run_id);
        await this.target.finalise(run);
        continue;
      }
      const tick = run.lastDataTs > 0 ? this.dueTick(run, now) : null;
      // Evaluated up to its newest tick (or without ticks yet): only its own next data can make it due, or the sweep (stale).
      const settled = !ended && (tick !== null || run.lastDataTs <= (this.pending.get(run.run_id)?.evaluatedTs ?? 0));
      if (settled) this.unsettled.delete(run.run_id);
      if (tick === null) continue;
      this.pending.set(run.run_id, { evaluatedTs: tick, evaluatedAt: now, waitingSince: null });
      await this.target.live(run, tick);
    }
    if (touched !== null) return;
    // Runs closed or dropped meanwhile (finishNow, another replica's): forgotten at a look at every run, not per message.
    for (const id of this.pending.keys()) if (!this.state.runs.has(id)) this.pending.delete(id);
    for (const id of this.unsettled) if (!this.state.runs.has(id)) this.unsettled.delete(id);
  }

  /** Forgets a run another replica now owns. */
  forget(runId: string): void {
    this.pending.delete(runId);
    this.unsettled.delete(runId);
  }

  private pendingOf(runId: string): Pending {
    let p = this.pending.get(runId);
    if (!p) this.pending.set(runId, (p = { evaluatedTs: 0, evaluatedAt: 0, waitingSince: null }));
    return p;
  }
}
