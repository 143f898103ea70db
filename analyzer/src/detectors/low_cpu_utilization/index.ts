import { defineDetector, fullRange, round, runFinding } from '../detector.ts';
import { spanSeconds } from '../../window/run-window.ts';
import { mean } from '../../lib/stats.ts';

export const EFFICIENCY_THRESHOLD = 0.6;
export const IDLE_CPU_CORES = 0.02;

/** Allocated cores left unused: efficiency = CPU used / allocated cores, over the active run. */
export const lowCpuUtilization = defineDetector({
  id: 'low_cpu_utilization',
  description: 'The run uses well below its allocated cores.',
  evaluate(w) {
    if (w.ticks.length < 3 || spanSeconds(w.ticks) < 3) return [];
    const active = w.ticks.filter((t) => t.cpu_cores >= IDLE_CPU_CORES);
    // A run idle nearly throughout is reported as `idle`, not as this.
    if (active.length < 0.2 * w.ticks.length) return [];
    const used = mean(w.ticks.map((t) => t.cpu_cores));
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
