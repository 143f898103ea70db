import type { Bus, Store } from '@runlens/pipeline';
import type { FindingKind } from '@runlens/schemas';
import { type Fault, type FaultOutcome, awaitDetections, injectStaggered } from './faults.ts';
import { type Started, stopProcess } from './procs.ts';
import { StorePoller, captureFindings } from './store-poller.ts';
import { type Summary, summarise } from './stats.ts';

/** The finding a SIGSTOPped run gets (ARCHITECTURE.md vocabulary: no CPU, IO or network for a sustained window). */
export const FAULT_KIND: FindingKind = 'idle';

export interface Schedule {
  readonly faults: number;
  /** From the workloads' start to the first fault: long enough for the analyzer to know the runs. */
  readonly warmupMs: number;
  readonly staggerMs: number;
  readonly deadlineMs: number;
}

export interface RunLensResult {
  readonly path: string;
  readonly store: string;
  /** Sampling and analysis cadence, for the table. */
  readonly settings: string;
  readonly visible_ms: Summary;
  readonly poll_period_ms: number | null;
  readonly poll_errors: number;
  /** Onset → finding received on the findings topic. */
  readonly finding_bus_ms: Summary;
  /** Onset → finding visible in the `findings` table. */
  readonly finding_store_ms: Summary;
  readonly missed: number;
  readonly false_alarms: number;
  readonly faults: readonly (FaultOutcome & { store_latency_ms: number | null; run_id: string })[];
}

export interface PathParts {
  readonly path: string;
  readonly storeLabel: string;
  readonly settings: string;
  readonly store: Store;
  readonly bus: Bus;
  /** Starts the i-th run's workload; returns its run id and process. */
  startRun(i: number): Promise<{ runId: string; proc: Started }>;
  /** Log tails of the parts, for an error message. */
  describe(): string;
}

/** Samples → store latency throughout; N staggered SIGSTOP faults → `idle` findings on the bus and in the store. */
export async function measureRunLens(p: PathParts, s: Schedule, log: (l: string) => void): Promise<RunLensResult> {
  const poller = new StorePoller(p.store, FAULT_KIND);
  const bus: { run_id: string; kind: string; at: number }[] = [];
  const sub = await captureFindings(p.bus, `latency-capture-${Date.now().toString(36)}`, bus);
  poller.start();
  const procs: Started[] = [];
  try {
    await poller.firstSample(90_000, p.describe);
    log(`${p.path}: samples flowing; starting ${s.faults} runs`);
    const runs: { runId: string; fault: Fault }[] = [];
    for (let i = 0; i < s.faults; i++) {
      const r = await p.startRun(i);
      procs.push(r.proc);
      runs.push({ runId: r.runId, fault: { tag: r.runId, child: r.proc.child, onset: null } });
    }
    const faults = runs.map((r) => r.fault);
    await injectStaggered(faults, s.warmupMs, s.staggerMs);
    log(`${p.path}: ${s.faults} faults injected; waiting for findings`);
    const onBus = (tag: string): number[] => bus.filter((f) => f.run_id === tag && f.kind === FAULT_KIND).map((f) => f.at);
    const outcomes = await awaitDetections(faults, onBus, s.deadlineMs);
    // The store lags the bus by one ingest cycle; give it a moment before reading its times.
    const inStore = (tag: string): number[] => { const t = poller.findingsSeen.get(tag); return t === undefined ? [] : [t]; };
    const lastOnset = Math.max(...faults.map((f) => f.onset ?? 0));
    const stored = await awaitDetections(faults, inStore, Date.now() - lastOnset + 10_000);
    await poller.stop();
    const busLat = outcomes.flatMap((o) => (o.latency_ms === null ? [] : [o.latency_ms]));
    const storeLat = stored.flatMap((o) => (o.latency_ms === null ? [] : [o.latency_ms]));
    return {
      path: p.path, store: p.storeLabel, settings: p.settings, visible_ms: summarise(poller.visibleMs), poll_period_ms: poller.meanPeriodMs(), poll_errors: poller.errors,
      finding_bus_ms: summarise(busLat), finding_store_ms: summarise(storeLat),
      missed: outcomes.filter((o) => o.latency_ms === null).length, false_alarms: outcomes.reduce((a, o) => a + o.early, 0),
      faults: outcomes.map((o, i) => ({ ...o, run_id: runs[i]?.runId ?? '', store_latency_ms: stored[i]?.latency_ms ?? null })),
    };
  } finally {
    await poller.stop();
    await sub.stop();
    await Promise.all(procs.map((x) => stopProcess(x.child, 1000)));
  }
}
