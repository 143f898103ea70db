import { type Fault, type FaultOutcome, awaitDetections, injectStaggered } from './faults.ts';
import type { PromProfile } from './prom-config.ts';
import { PromStack } from './prom-stack.ts';
import { SPIN, type Started, startProcess, stopProcess } from './procs.ts';
import type { Schedule } from './runlens-path.ts';

/**
 * When the faults start: after `scrapesBefore` scrapes have seen the workloads, then the
 * first after `firstMs` and one every `staggerMs` (for the default profile, spread over one
 * scrape interval, so onsets fall at evenly spaced phases of the scrape cycle).
 */
export interface PromSchedule extends Omit<Schedule, 'warmupMs'> {
  readonly scrapesBefore: number;
  readonly firstMs: number;
}
import { type Summary, summarise } from './stats.ts';

export interface PromResult {
  readonly path: string;
  readonly profile: PromProfile;
  /** Scrape timestamp → visible to a query, polled at 10 Hz. */
  readonly visible_ms: Summary;
  readonly poll_period_ms: number;
  /** Onset → Alertmanager's webhook arrives at this process. */
  readonly finding_ms: Summary;
  readonly missed: number;
  readonly false_alarms: number;
  readonly faults: readonly FaultOutcome[];
}

/** The same fault as the RunLens paths: each workload SIGSTOPped in turn; onset → webhook. */
export async function measurePrometheus(profile: PromProfile, s: PromSchedule, log: (l: string) => void): Promise<PromResult> {
  const stack = await PromStack.start(profile);
  const procs: Started[] = [];
  try {
    const faults: Fault[] = [];
    for (let i = 0; i < s.faults; i++) {
      const tag = `lat-prom-${profile.name}-${i}`;
      const p = startProcess(`workload ${tag}`, process.execPath, [SPIN, tag, '0.1', '900']);
      procs.push(p);
      faults.push({ tag, child: p.child, onset: null });
    }
    const started = Date.now();
    log(`Prometheus (${profile.name}): ${s.faults} workloads up; faults after ${s.scrapesBefore} scrape(s) +${s.firstMs / 1000} s, every ${s.staggerMs / 1000} s`);
    const scraped = await stack.scrapesAfter(started, s.scrapesBefore, (s.scrapesBefore + 2) * profile.scrapeIntervalS * 1000 + 30_000);
    await injectStaggered(faults, Math.max(0, scraped + s.firstMs - Date.now()), s.staggerMs);
    const outcomes = await awaitDetections(faults, (t) => stack.detections(t), s.deadlineMs, 50);
    const lat = outcomes.flatMap((o) => (o.latency_ms === null ? [] : [o.latency_ms]));
    log(`Prometheus (${profile.name}): ${lat.length}/${s.faults} alerts arrived`);
    return {
      path: `Prometheus + Alertmanager (${profile.name})`, profile, visible_ms: summarise(stack.visibleMs), poll_period_ms: 100,
      finding_ms: summarise(lat), missed: outcomes.length - lat.length, false_alarms: outcomes.reduce((a, o) => a + o.early, 0), faults: outcomes,
    };
  } finally {
    await Promise.all(procs.map((p) => stopProcess(p.child, 1000)));
    await stack.close();
  }
}
