import { defineDetector, fullRange, round, runFinding } from '../detector.ts';
import { type RunTick, type RunWindow, spanSeconds } from '../../window/run-window.ts';
import { meanBy } from '../../lib/stats.ts';

export const EFFICIENCY_THRESHOLD = 0.6;
export const IDLE_CPU_CORES = 0.02;

const cpuCores = (t: RunTick): number => t.cpu_cores;

/**
 * Cores the run used while its samples cover it: a tick's cores are its CPU over the interval
 * before it, and the run's first and last ticks cover only the part of their interval it was live
 * (a 6 s run has 7 partial or whole ticks, not 7 s). So a whole run's figure agrees with its CPU
 * time over its wall time, the report's efficiency; without the run's span, the ticks' mean.
 */
function coresOverRun(w: RunWindow): number {
  const live = w.hosts?.[0]?.live;
  const tickMs = (w.tick_s ?? 1) * 1000;
  if (!live || live.end <= live.start) return meanBy(w.ticks, cpuCores);
  let cpuS = 0;
  let coveredS = 0;
  for (const t of w.ticks) {
    // A tick at the run's start (a run known only from its samples starts at its first tick) counts whole.
    const part = Math.min(t.ts, live.end) - Math.max(t.ts - tickMs, live.start);
    const covered = part > 0 ? part : tickMs;
    cpuS += t.cpu_cores * tickMs / 1000;
    coveredS += covered / 1000;
  }
  return coveredS > 0 ? cpuS / coveredS : meanBy(w.ticks, cpuCores);
}

/** Allocated cores left unused: efficiency = CPU used / allocated cores, over the active run. */
export const lowCpuUtilization = defineDetector({
  id: 'low_cpu_utilization',
  description: 'The run uses well below its allocated cores.',
  evaluate(w) {
    if (w.ticks.length < 3 || spanSeconds(w.ticks) < 3) return [];
    let active = 0;
    for (const t of w.ticks) if (t.cpu_cores >= IDLE_CPU_CORES) active++;
    // A run idle nearly throughout is reported as `idle`, not as this.
    if (active < 0.2 * w.ticks.length) return [];
    const used = w.live === true ? meanBy(w.ticks, cpuCores) : coresOverRun(w);
    const efficiency = used / w.alloc_cores;
    if (efficiency >= EFFICIENCY_THRESHOLD) return [];
    const unused = w.alloc_cores - used;
    return [runFinding('low_cpu_utilization', w, fullRange(w), {
      severity: efficiency < 0.3 ? 'warning' : 'info',
      confidence: round(Math.min(1, (EFFICIENCY_THRESHOLD - efficiency) / EFFICIENCY_THRESHOLD + 0.5)),
      message: `Low CPU utilisation: ${round(used, 2)} of ${w.alloc_cores} allocated cores used (${Math.round(efficiency * 100)}%)`,
      advice: `${round(unused, 1)} cores sat idle: request fewer cores (e.g. --cpus-per-task=${Math.max(1, Math.ceil(used))}) or add threads/ranks; check for serial sections with perf or a timeline profiler.`,
      evidence: { cpu_cores_mean: round(used), alloc_cores: w.alloc_cores, efficiency: round(efficiency), threshold: EFFICIENCY_THRESHOLD },
    })];
  },
});
