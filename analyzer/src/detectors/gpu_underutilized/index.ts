import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { mean, median } from '../../lib/stats.ts';
import { type GpuTick, type HostView, byGpu, hasGpuTicks } from '../../window/run-window.ts';

/** Mean utilisation below which a GPU the run holds counts as under-used. */
export const GPU_UNDERUTILIZED_MAX_MEAN_UTIL = 0.4;
export const GPU_UNDERUTILIZED_MIN_TICKS = 10;


function underused(h: HostView, uuid: string, ticks: readonly GpuTick[]): FindingDraft | null {
  // A GPU with no run process is gpu_idle's business; a null reading is a gap.
  const used = ticks.filter((t) => t.run_procs > 0 && t.util_ratio !== null);
  if (used.length < GPU_UNDERUTILIZED_MIN_TICKS) return null;
  const utils = used.map((t) => t.util_ratio ?? 0);
  const util = mean(utils);
  if (util >= GPU_UNDERUTILIZED_MAX_MEAN_UTIL) return null;
  return {
    kind: 'gpu_underutilized', severity: 'warning', scope: 'gpu', scope_id: uuid, host: h.host,
    start_ts: used[0]?.ts ?? 0, end_ts: used[used.length - 1]?.ts ?? 0,
    confidence: round(Math.min(1, 0.6 + (GPU_UNDERUTILIZED_MAX_MEAN_UTIL - util))),
    message: `GPU under-used: ${uuid} on ${h.host} averages ${Math.round(util * 100)}% utilisation over ${used.length} samples while the run holds it`,
    advice: `The GPU waits on the host: profile the rank on ${h.host} with Nsight Systems (nsys profile -t cuda,osrt,nvtx) and look for gaps between kernels; check data loading (more DataLoader workers, pinned memory, prefetch), host-side preprocessing and synchronisations, use larger batches and overlap copies with compute on CUDA streams.`,
    evidence: {
      util_mean: round(util), util_median: round(median(utils)), util_max: round(Math.max(...utils)), ticks: used.length,
      max_mean_util: GPU_UNDERUTILIZED_MAX_MEAN_UTIL, min_ticks: GPU_UNDERUTILIZED_MIN_TICKS,
    },
  };
}

/** A GPU the run uses is busy well below capacity on average. */
export const gpuUnderutilized = defineDetector({
  id: 'gpu_underutilized',
  description: 'A GPU used by the run averages under 40% utilisation.',
  evaluate(w) {
    if (!(w.hosts ?? []).some(hasGpuTicks)) return [];
    return (w.hosts ?? []).flatMap((h) =>
      [...byGpu(h.gpus)].map(([uuid, ticks]) => underused(h, uuid, ticks)).filter((f): f is FindingDraft => f !== null));
  },
});
