import type { ChildProcess } from 'node:child_process';
import { alive, sleep } from './procs.ts';

/** One injected fault: a run's busy process stopped with SIGSTOP at `onset` (epoch ms). */
export interface Fault {
  readonly tag: string;
  readonly child: ChildProcess;
  onset: number | null;
}

export interface FaultOutcome {
  readonly tag: string;
  readonly onset: number | null;
  /** Onset → first correct detection (ms); null if none before the deadline. */
  readonly latency_ms: number | null;
  /** Correct-kind detections for this target that arrived before its onset (false alarms). */
  readonly early: number;
}

/**
 * A random share of one second (the agent's tick and the tuned Prometheus's scrape), added before
 * each onset so onsets sample the phase of both samplers. Without it the onsets of one run fell
 * within 0.15 s of each other's phase (2026-12-05): whole-second sleeps after whole-second setup,
 * so the p50 and p95 were one phase's latency, and which observer that phase favoured was luck.
 */
export const phaseJitterMs = (): number => Math.random() * 1000;

/** Stops each fault's process in turn: the first after `firstMs`, then one every `staggerMs` (each plus a phase jitter). */
export async function injectStaggered(faults: readonly Fault[], firstMs: number, staggerMs: number): Promise<void> {
  await sleep(firstMs);
  for (const [i, f] of faults.entries()) {
    await sleep((i > 0 ? staggerMs : 0) + phaseJitterMs());
    if (!alive(f.child)) throw new Error(`workload ${f.tag} exited before its fault (exit ${f.child.exitCode ?? f.child.signalCode})`);
    f.onset = Date.now();
    f.child.kill('SIGSTOP');
  }
}

/**
 * Waits until every fault has a detection after its onset, or `deadlineMs` after the last
 * onset. `detections(tag)` lists the times a correct detection for that target arrived.
 */
export async function awaitDetections(
  faults: readonly Fault[], detections: (tag: string) => readonly number[], deadlineMs: number, pollMs = 100,
): Promise<FaultOutcome[]> {
  const first = (f: Fault): number | undefined => (f.onset === null ? undefined : detections(f.tag).filter((t) => t >= (f.onset ?? 0)).sort((a, b) => a - b)[0]);
  const lastOnset = Math.max(...faults.map((f) => f.onset ?? 0));
  while (Date.now() < lastOnset + deadlineMs && faults.some((f) => first(f) === undefined)) await sleep(pollMs);
  return faults.map((f) => {
    const at = first(f);
    return {
      tag: f.tag, onset: f.onset,
      latency_ms: at === undefined || f.onset === null ? null : at - f.onset,
      early: f.onset === null ? 0 : detections(f.tag).filter((t) => t < (f.onset ?? 0)).length,
    };
  });
}
