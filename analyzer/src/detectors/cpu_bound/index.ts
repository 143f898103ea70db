import { defineDetector, fullRange, round, runFinding } from '../detector.ts';
import { NO_STORAGE, runStorage } from '../../window/storage-capability.ts';
import { waitsOnIo } from '../io_bound/waits-on-io.ts';

export const MIN_CPU_CORES = 0.5;
export const PEGGED_SHARE = 0.8;
export const MIN_TICK_SHARE = 0.6;
export const MIN_USER_SHARE = 0.5;
/** Of all samples, at least this share computes: a run that mostly waits on storage is io_bound, with a compute tail. */
export const MIN_COMPUTE_SHARE = 1 / 3;

/**
 * The run's work is compute: most of its CPU comes from processes that keep their
 * threads on a CPU (or waiting for one), not blocked on IO or sleeping. Samples where the run
 * waits on storage belong to io_bound, so a job that writes for a third of its time and then
 * computes is CPU-bound in the rest.
 */
export const cpuBound = defineDetector({
  id: 'cpu_bound',
  description: 'Most CPU time comes from processes that saturate their threads.',
  evaluate(w) {
    const cap = runStorage((w.hosts ?? []).map((h) => h.storage ?? NO_STORAGE));
    // Counted in one pass, not filtered into arrays: asked per run at every tick.
    let computing = 0;
    let bound = 0;
    let boundCores = 0;
    for (const t of w.ticks) {
      if (waitsOnIo(w, t, cap)) continue;
      computing++;
      // Kernel-dominated CPU is not the run's own compute (see io_metadata_bound).
      if (t.cpu_cores >= MIN_CPU_CORES && t.pegged_cpu_cores >= PEGGED_SHARE * t.cpu_cores && t.user_cores >= MIN_USER_SHARE * t.cpu_cores) {
        bound++;
        boundCores += t.cpu_cores;
      }
    }
    if (computing < 3) return [];
    const share = bound / computing;
    if (share < MIN_TICK_SHARE || bound < MIN_COMPUTE_SHARE * w.ticks.length) return [];
    // The bound ticks' mean, their cores added in time order as mean() adds them.
    const cores = boundCores / bound;
    return [runFinding('cpu_bound', w, fullRange(w), {
      severity: 'info',
      confidence: round(Math.min(1, share)),
      message: `CPU-bound: ${round(cores, 2)} cores busy computing in ${Math.round(share * 100)}% of samples${computing < w.ticks.length ? ' not waiting on storage' : ''}`,
      advice: cores < w.alloc_cores - 0.5
        ? 'Compute limits this run but not all allocated cores are used: parallelise the hot loop (perf record / gprof on the busiest process).'
        : 'Compute limits this run: profile the hot loops (perf record -g, or VTune/uProf) and check vectorisation and compiler flags.',
      evidence: { cpu_cores_mean: round(cores), alloc_cores: w.alloc_cores, tick_share: round(share), pegged_share_threshold: PEGGED_SHARE, min_cpu_cores: MIN_CPU_CORES },
    })];
  },
});
