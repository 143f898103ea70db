import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { type CgroupTick, type HostView, type RunTick, nearest } from '../../window/run-window.ts';
import { mean } from '../../lib/stats.ts';
import { STRONG_FACTOR, weightedHits } from '../fast-onset.ts';

export const MIN_AVAILABLE_SHARE = 0.1;
export const PSI_MEMORY_THRESHOLD = 0.1;
export const CGROUP_LIMIT_SHARE = 0.9;
export const MIN_TICKS = 3;
/**
 * Thrashing at a cgroup limit, the other strong newest tick: the run's cgroup at its limit while
 * the run's own pages come back from disk at this rate (a mapped working set that reclaim took),
 * and memory PSI showing stalls where the kernel has PSI. Two signals that each alone are ordinary
 * (a page cache fills any limit; major faults also read a file for the first time) together say
 * what PSI says only after seconds of averaging on a cgroup v1 node, which has no per-cgroup PSI.
 */
export const STRONG_MAJFLT_PER_S = 5;
export const PSI_STALLING = 0.02;

/**
 * The cgroup rows of the tick at `ts`: that tick's (within half a tick), else the newest before it
 * within 1.5 s (a sampler's first sight of a cgroup emits no row). Never a later tick's: a row
 * seen after the tick is not evidence about it, and would stretch one sample over three ticks.
 */
function cgroupRowsAt(rows: readonly CgroupTick[], ts: number): CgroupTick[] {
  let at = -Infinity;
  for (const c of rows) if (c.ts <= ts + 500 && c.ts >= ts - 1500 && c.ts > at) at = c.ts;
  return rows.filter((c) => c.ts === at);
}

/** The run's cgroup (any of its rows at the tick: cgroup v1 gives one per controller path) at CGROUP_LIMIT_SHARE of its limit. */
function nearLimit(h: HostView, ts: number): boolean {
  return h.cgroup.length > 0 && cgroupRowsAt(h.cgroup, ts).some((cg) => (cg.mem_limit_bytes && cg.mem_usage_bytes ? cg.mem_usage_bytes / cg.mem_limit_bytes >= CGROUP_LIMIT_SHARE : false));
}

/** The newest tick counts as MIN_TICKS by itself (fast-onset.ts): PSI twice its threshold, or the run thrashing at its cgroup limit. */
function strongTick(h: HostView, t: RunTick): boolean {
  const psi = nearest(h.node, t.ts)?.psi_memory_some;
  if ((psi ?? 0) >= STRONG_FACTOR * PSI_MEMORY_THRESHOLD) return true;
  return t.majflt_per_s >= STRONG_MAJFLT_PER_S && (psi === null || psi === undefined || psi >= PSI_STALLING) && nearLimit(h, t.ts);
}

/** Near the memory limit: little MemAvailable, memory PSI, or the run's cgroup near its limit. */
export const memoryPressure = defineDetector({
  id: 'memory_pressure',
  description: 'The run works near a memory limit (host or cgroup), with reclaim stalls.',
  // MIN_TICKS ticks near the limit are the minimum duration, or one strong newest tick (strongTick, fast-onset.ts).
  hysteresis: { minTicks: 1, clearTicks: 10 },
  evaluate(w) {
    const out: FindingDraft[] = [];
    for (const h of w.hosts ?? []) {
      const hits = h.ticks.filter((t) => {
        const n = nearest(h.node, t.ts);
        const lowAvail = n?.mem_available_bytes !== undefined && n.mem_total_bytes ? n.mem_available_bytes / n.mem_total_bytes < MIN_AVAILABLE_SHARE : false;
        const psi = (n?.psi_memory_some ?? 0) >= PSI_MEMORY_THRESHOLD;
        return lowAvail || psi || nearLimit(h, t.ts);
      });
      const newest = h.ticks[h.ticks.length - 1];
      const strong = newest !== undefined && hits[hits.length - 1] === newest && strongTick(h, newest);
      if (weightedHits(w, h.ticks.length, hits.length, strong, MIN_TICKS) < MIN_TICKS) continue;
      const psi = mean(hits.map((t) => nearest(h.node, t.ts)?.psi_memory_some ?? 0));
      out.push({
        kind: 'memory_pressure', scope: 'host', scope_id: h.host, host: h.host, start_ts: hits[0]?.ts ?? 0, end_ts: hits[hits.length - 1]?.ts ?? 0,
        severity: psi >= 0.3 ? 'critical' : 'warning', confidence: round(Math.min(1, 0.5 + hits.length / Math.max(1, h.ticks.length))),
        message: `Memory pressure on ${h.host}: near the limit in ${hits.length} samples (PSI memory ${round(psi * 100, 1)}%)`,
        advice: 'Reduce the footprint per rank or spread ranks over more nodes; request more memory; check swap and page-cache use with vmstat / smem.',
        evidence: { ticks: hits.length, psi_memory_some_mean: round(psi), min_available_share: MIN_AVAILABLE_SHARE, psi_threshold: PSI_MEMORY_THRESHOLD, cgroup_limit_share: CGROUP_LIMIT_SHARE },
      });
    }
    return out;
  },
});
