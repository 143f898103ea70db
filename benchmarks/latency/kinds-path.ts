import type { Subscription } from '@runlens/pipeline';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRow } from '../scenarios/scenario.ts';
import { type EmbeddedStack, openEmbedded } from './embedded.ts';
import { type Fault, type FaultOutcome, awaitDetections, phaseJitterMs } from './faults.ts';
import { KIND_SPECS, type KindSpec, type LatencyKind } from './kinds.ts';
import { type KindRule, TUNED_PROFILE, kindRuleFile, kindRules } from './prom-config.ts';
import { PromStack } from './prom-stack.ts';
import { alive, sleep } from './procs.ts';
import { type Summary, summarise } from './stats.ts';
import { captureFindings } from './store-poller.ts';

export interface KindSchedule {
  /** Faults per kind, one after another: each is a run of its own, alone on the machine. */
  readonly faults: number;
  /** From a run's start to its fault: RunLens knows the run, and Prometheus has a full window of it. */
  readonly warmupMs: number;
  readonly deadlineMs: number;
  /** Observe with the embedded RunLens stack / with Prometheus + Alertmanager tuned to 1 s. */
  readonly runlens: boolean;
  readonly prometheus: boolean;
}

/** A RunLens fault outcome, with the other kinds raised for the same run. */
export type RunLensFault = FaultOutcome & { readonly also_raised: readonly string[] };

export interface KindPathResult<T extends FaultOutcome = FaultOutcome> {
  /** Onset → finding on the bus (RunLens) or webhook (Prometheus). */
  readonly latency_ms: Summary;
  readonly missed: number;
  readonly false_alarms: number;
  readonly faults: readonly T[];
}

export interface KindResult {
  readonly kind: LatencyKind;
  readonly fault: string;
  readonly cores: number;
  /** Why the kind was not measured; null when it was. */
  readonly skipped: string | null;
  readonly runlens: KindPathResult<RunLensFault> | null;
  readonly prometheus: (KindPathResult & { readonly rule: KindRule }) | null;
  /** Faults that could not be injected or observed, with why. */
  readonly errors: readonly string[];
}

interface Observers {
  readonly stack: EmbeddedStack | null;
  readonly onBus: { run_id: string; kind: string; at: number }[];
  readonly prom: PromStack | null;
  readonly rules: ReturnType<typeof kindRules>;
  readonly cores: number;
  readonly dir: string;
}

const result = <T extends FaultOutcome>(outcomes: readonly T[]): KindPathResult<T> => {
  const lat = outcomes.flatMap((o) => (o.latency_ms === null ? [] : [o.latency_ms]));
  return { latency_ms: summarise(lat), missed: outcomes.length - lat.length, false_alarms: outcomes.reduce((a, o) => a + o.early, 0), faults: outcomes };
};

/**
 * One fault of kind `k`: a fresh run, registered with RunLens, warmed up, the fault injected at a
 * recorded onset, then both observers awaited (RunLens: the kind's finding for the run on the bus;
 * Prometheus: the kind's alert for the run's group at the webhook). Detections before the onset are
 * false alarms.
 */
async function oneFault(k: KindSpec, i: number, o: Observers, s: KindSchedule, log: (l: string) => void): Promise<{ rl: RunLensFault | null; prom: FaultOutcome | null }> {
  const tag = `lat-${k.short}-${i}-${Date.now().toString(36)}`;
  const run = await k.start(tag, o.cores, o.dir);
  const started = Date.now();
  const row = (end?: number): ReturnType<typeof runRow> => runRow(tag, k.app, run.cmd, k.allocCores(o.cores), [o.stack?.host ?? ''], started, end);
  try {
    o.stack?.agent.addRun({ run_id: tag, root_pid: run.root.pid ?? 0 });
    await o.stack?.publishRun(row());
    await sleep(s.warmupMs + phaseJitterMs());
    if (!alive(run.root)) throw new Error(`${tag}: the run exited before its fault (exit ${run.root.exitCode ?? run.root.signalCode})`);
    const fault: Fault = { tag, child: run.root, onset: Date.now() };
    run.inject();
    const alert = o.rules[k.kind].alert;
    const [rl, prom] = await Promise.all([
      o.stack ? awaitDetections([fault], (t) => o.onBus.filter((f) => f.run_id === t && f.kind === k.kind).map((f) => f.at), s.deadlineMs) : null,
      o.prom ? awaitDetections([fault], (t) => o.prom?.detections(t, alert) ?? [], s.deadlineMs, 50) : null,
    ]);
    const ms = (x: FaultOutcome | undefined): string =>
      (x === undefined ? '-' : `${x.latency_ms === null ? 'missed' : `${(x.latency_ms / 1000).toFixed(1)} s`}${x.early ? ` (${x.early} before the onset)` : ''}`);
    log(`${k.kind} ${i + 1}/${s.faults}: RunLens ${ms(rl?.[0])}, Prometheus ${ms(prom?.[0])}`);
    // Other kinds RunLens raised for the run by now (a true side effect, or a confusion): reported, not scored.
    const also = [...new Set(o.onBus.filter((f) => f.run_id === tag && f.kind !== k.kind).map((f) => f.kind))];
    return { rl: rl?.[0] ? { ...rl[0], also_raised: also } : null, prom: prom?.[0] ?? null };
  } finally {
    await run.stop();
    o.stack?.agent.removeRun(tag);
    await o.stack?.publishRun(row(Date.now()));
  }
}

async function measureKind(k: KindSpec, o: Observers, s: KindSchedule, log: (l: string) => void): Promise<KindResult> {
  const base = { kind: k.kind, fault: k.fault, cores: o.cores };
  const why = k.unavailable();
  if (why !== null) {
    log(why);
    return { ...base, skipped: why, runlens: null, prometheus: null, errors: [] };
  }
  const rl: RunLensFault[] = [];
  const prom: FaultOutcome[] = [];
  const errors: string[] = [];
  for (let i = 0; i < s.faults; i++) {
    try {
      const r = await oneFault(k, i, o, s, log);
      if (r.rl) rl.push(r.rl);
      if (r.prom) prom.push(r.prom);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
      log(`${k.kind} ${i + 1}/${s.faults} FAILED: ${errors.at(-1) ?? ''}`);
    }
  }
  return { ...base, skipped: null, errors, runlens: o.stack ? result(rl) : null, prometheus: o.prom ? { ...result(prom), rule: o.rules[k.kind] } : null };
}

/**
 * CPU interference, oversubscription and memory pressure, each fault watched by both observers at
 * once: the embedded RunLens stack (as `runlens up`) and process-exporter + node-exporter →
 * Prometheus → Alertmanager tuned to 1 s. Faults run one at a time: they load the whole machine.
 */
export async function measureKinds(kinds: readonly LatencyKind[], s: KindSchedule, log: (l: string) => void): Promise<KindResult[]> {
  const cores = availableParallelism();
  const rules = kindRules(cores);
  const dir = mkdtempSync(join(tmpdir(), 'runlens-latency-kinds-'));
  const onBus: Observers['onBus'] = [];
  let stack: EmbeddedStack | null = null;
  let prom: PromStack | null = null;
  let sub: Subscription | null = null;
  try {
    if (s.prometheus) prom = await PromStack.start(TUNED_PROFILE, { rules: kindRuleFile(kinds.map((k) => rules[k])), nodeExporter: true });
    if (s.runlens) {
      stack = await openEmbedded();
      sub = await captureFindings(stack.bus, `latency-kinds-${Date.now().toString(36)}`, onBus);
    }
    log(`kinds: ${kinds.join(', ')} on ${cores} cores, ${s.faults} faults each, observed by ${[stack && 'RunLens embedded', prom && 'Prometheus (tuned)'].filter(Boolean).join(' and ')}`);
    const out: KindResult[] = [];
    for (const k of kinds) out.push(await measureKind(KIND_SPECS[k], { stack, onBus, prom, rules, cores, dir }, s, log));
    return out;
  } finally {
    await sub?.stop();
    await stack?.close();
    await prom?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
