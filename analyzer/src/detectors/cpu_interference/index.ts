import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { NearestCursor } from '../../window/nearest-cursor.ts';
import { mean } from '../../lib/stats.ts';
import { THROTTLE_CAUSE } from '../peers.ts';
import { MIN_ONSET_SHARE, STRONG_FACTOR, sinceOnset, waitChangeStandsOut, weightedHits } from '../fast-onset.ts';
import type { BackgroundTick, HostView, RunTick, RunWindow } from '../../window/run-window.ts';

/** Outside CPU that matters: this share of the host's CPUs, or half a core, whichever is more. */
export const MIN_OUTSIDE_SHARE = 0.2;
export const MIN_DELAY_SHARE = 0.15;
export const MIN_TICKS = 3;
/** Another run is named as the outside load where it took at least this much CPU in a contended tick. */
export const MIN_RUN_CORES = 0.1;

/** A tick's outside CPU, and the run's CPU and wait for CPU, in cores. */
interface Load { outside: number; cpu: number; delay: number }

interface Contended extends Load { ts: number; comm: string; runCores: number; run: string | undefined; strong: boolean; onsetShare: number | null }

/**
 * Sub-tick onset (fast-onset.ts) where processes outside any run started during the newest tick:
 * the newcomers' CPU over their own lifetime, and the run's CPU and wait since they started. Only
 * newcomers that by themselves take the outside floor over their lifetime (a short command run by a
 * health check does not) and lived MIN_ONSET_SHARE of the tick; the caller also asks whether the
 * run's wait changed beyond its own noise (waitChangeStandsOut).
 */
function sinceNewcomers(t: RunTick, prev: RunTick | undefined, bg: BackgroundTick, floor: number): Load | null {
  const n = bg.newcomers;
  if (!n || !prev || n.share < MIN_ONSET_SHARE || n.cores / n.share < floor) return null;
  return {
    outside: bg.cpu_cores - n.cores + n.cores / n.share,
    cpu: sinceOnset(t.cpu_cores, prev.cpu_cores, n.share),
    delay: sinceOnset(t.run_delay_cores, prev.run_delay_cores, n.share),
  };
}

const delayShare = (l: Load): number => l.delay / Math.max(l.cpu, 0.1);

/** Outside CPU over the floor while the run waits for CPU (or PSI cpu rises), and the run busy enough to tell. */
function isContended(l: Load, floor: number, psi: number): boolean {
  return l.outside >= floor && (delayShare(l) >= MIN_DELAY_SHARE || psi >= 0.2) && l.cpu + l.delay >= 0.3;
}

/** Strong: contended with the run's own wait twice the ordinary share (the outside floor attributes the wait; it stays). */
function isStrong(l: Load, floor: number, psi: number): boolean {
  return isContended(l, floor, psi) && delayShare(l) >= STRONG_FACTOR * MIN_DELAY_SHARE;
}

/** Ticks where processes outside the run take CPU and the run waits for CPU (or PSI cpu rises, where its wait is not read). */
function contended(h: HostView, w: RunWindow): Contended[] {
  const cpus = h.profile?.logical_cpus ?? h.node[h.node.length - 1]?.online_cpus ?? w.alloc_cores;
  const floor = Math.max(0.5, MIN_OUTSIDE_SHARE * cpus);
  const out: Contended[] = [];
  const quota = h.cgroup.filter((c) => c.throttled_ratio !== null);
  const newest = h.ticks.length - 1;
  // Node PSI cpu says some task on the host waited, often the outside load itself: it stands in
  // for the run's own wait only where that is not read (schedstat unread: every tick reads 0).
  const psiStandsIn = !h.ticks.some((t) => t.run_delay_cores > 0);
  const [quotaAt, bgAt, nodeAt] = [new NearestCursor(quota), new NearestCursor(h.background), new NearestCursor(h.node)];
  for (let i = 0; i <= newest; i++) {
    const t = h.ticks[i] as RunTick;
    // A run throttled by its own CPU quota waits for CPU (schedstat counts throttled time as
    // run delay) however idle its neighbours are: that wait is the quota's, not theirs.
    if ((quotaAt.nearest(t.ts)?.throttled_ratio ?? 0) >= THROTTLE_CAUSE) continue;
    const bg = bgAt.nearest(t.ts);
    if (!bg) continue;
    const psi = psiStandsIn ? (nodeAt.nearest(t.ts)?.psi_cpu_some ?? 0) : 0;
    const since = w.live === true && i === newest ? sinceNewcomers(t, h.ticks[i - 1], bg, floor) : null;
    const avg = { outside: bg.cpu_cores, cpu: t.cpu_cores, delay: t.run_delay_cores };
    const l = since && isStrong(since, floor, psi) && waitChangeStandsOut(h.ticks) ? since : avg;
    if (!isContended(l, floor, psi)) continue;
    out.push({ ...l, ts: t.ts, comm: bg.top_comm, runCores: bg.run_cores ?? 0, run: bg.top_run, strong: isStrong(l, floor, psi), onsetShare: l === since ? (bg.newcomers?.share ?? null) : null });
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
        evidence: { outside_cores_mean: round(outside), outside_run_cores_mean: round(byRuns.length > 0 ? mean(byRuns.map((x) => x.runCores)) : 0), outside_runs: runs.join(','), run_delay_cores_mean: round(mean(hits.map((x) => x.delay))), top_outside: comms.join(','), min_outside_share: MIN_OUTSIDE_SHARE, min_delay_share: MIN_DELAY_SHARE,
          ...(last?.onsetShare != null && { newest_tick_contended_share: round(last.onsetShare) }) },
      });
    }
    return findings;
  },
});
