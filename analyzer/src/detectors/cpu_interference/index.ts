import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { nearest } from '../../window/run-window.ts';
import { mean } from '../../lib/stats.ts';
import { THROTTLE_CAUSE } from '../peers.ts';
import { STRONG_FACTOR, weightedHits } from '../fast-onset.ts';
import type { HostView, RunWindow } from '../../window/run-window.ts';

/** Outside CPU that matters: this share of the host's CPUs, or half a core, whichever is more. */
export const MIN_OUTSIDE_SHARE = 0.2;
export const MIN_DELAY_SHARE = 0.15;
export const MIN_TICKS = 3;
/** Another run is named as the outside load where it took at least this much CPU in a contended tick. */
export const MIN_RUN_CORES = 0.1;

interface Contended { ts: number; outside: number; delay: number; comm: string; runCores: number; run: string | undefined; strong: boolean }

/** Ticks where processes outside the run take CPU and the run waits for CPU (or PSI cpu rises). */
function contended(h: HostView, w: RunWindow): Contended[] {
  const cpus = h.profile?.logical_cpus ?? h.node[h.node.length - 1]?.online_cpus ?? w.alloc_cores;
  const out: Contended[] = [];
  const quota = h.cgroup.filter((c) => c.throttled_ratio !== null);
  for (const t of h.ticks) {
    // A run throttled by its own CPU quota waits for CPU (schedstat counts throttled time as
    // run delay) however idle its neighbours are: that wait is the quota's, not theirs.
    if ((nearest(quota, t.ts)?.throttled_ratio ?? 0) >= THROTTLE_CAUSE) continue;
    const bg = nearest(h.background, t.ts);
    const psi = nearest(h.node, t.ts)?.psi_cpu_some ?? 0;
    if (!bg || bg.cpu_cores < Math.max(0.5, MIN_OUTSIDE_SHARE * cpus)) continue;
    const delayShare = t.run_delay_cores / Math.max(t.cpu_cores, 0.1);
    const waits = delayShare >= MIN_DELAY_SHARE || psi >= 0.2;
    // Strong: the run's own wait twice the ordinary share (the outside floor attributes the wait; it stays).
    const strong = delayShare >= STRONG_FACTOR * MIN_DELAY_SHARE;
    if (waits && t.cpu_cores + t.run_delay_cores >= 0.3) out.push({ ts: t.ts, outside: bg.cpu_cores, delay: t.run_delay_cores, comm: bg.top_comm, runCores: bg.run_cores ?? 0, run: bg.top_run, strong });
  }
  return out;
}

/** Processes outside the run compete for its cores. */
export const cpuInterference = defineDetector({
  id: 'cpu_interference',
  description: 'Processes outside the run take CPU on its host while it waits for CPU.',
  // MIN_TICKS contended ticks are the minimum duration, or one strong newest tick (fast-onset.ts);
  // live, the share is judged on the newest 7 ticks (3 of 7 ≥ 40%), so interference that starts
  // late in a long run is not diluted.
  hysteresis: { minTicks: 1, clearTicks: 10 },
  liveTicks: 7,
  evaluate(w) {
    const findings: FindingDraft[] = [];
    for (const h of w.hosts ?? []) {
      const hits = contended(h, w);
      const last = hits[hits.length - 1];
      const strong = last !== undefined && last.strong && last.ts === h.ticks[h.ticks.length - 1]?.ts;
      const weight = weightedHits(w, h.ticks.length, hits.length, strong, MIN_TICKS);
      if (weight < MIN_TICKS || weight < 0.4 * h.ticks.length) continue;
      const comms = [...new Set(hits.map((x) => x.comm))].slice(0, 3);
      const outside = mean(hits.map((x) => x.outside));
      // Other runs on the host are outside load too, named by run id: whose load slowed whom.
      const byRuns = hits.filter((x) => x.runCores >= MIN_RUN_CORES && x.run !== undefined);
      const runs = [...new Set(byRuns.map((x) => x.run as string))].slice(0, 3);
      findings.push({
        kind: 'cpu_interference', scope: 'host', scope_id: h.host, host: h.host, start_ts: hits[0]?.ts ?? 0, end_ts: hits[hits.length - 1]?.ts ?? 0,
        severity: 'warning', confidence: round(Math.min(1, 0.5 + hits.length / h.ticks.length / 2)),
        message: `CPU interference on ${h.host}: ${round(outside, 2)} cores taken by processes outside the run (${comms.join(', ')}) while it waits for CPU`,
        advice: 'Ask operations who else runs on the node (exclusive allocation, or cgroup/cpuset isolation); check for daemons with top -H; pin the run with --cpu-bind.',
        evidence: { outside_cores_mean: round(outside), outside_run_cores_mean: round(byRuns.length > 0 ? mean(byRuns.map((x) => x.runCores)) : 0), outside_runs: runs.join(','), run_delay_cores_mean: round(mean(hits.map((x) => x.delay))), top_outside: comms.join(','), min_outside_share: MIN_OUTSIDE_SHARE, min_delay_share: MIN_DELAY_SHARE },
      });
    }
    return findings;
  },
});
