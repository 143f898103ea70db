import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { mean } from '../../lib/stats.ts';
import { type GpuTick, type HostView, byGpu, hasGpuTicks } from '../../window/run-window.ts';

/** A tick counts as busy at or above this utilisation (nvidia-smi percent / 100). */
export const GPU_BUSY_UTIL_RATIO = 0.9;
/** Share of the run's ticks on a GPU that must be busy. */
export const GPU_BOUND_MIN_TICK_SHARE = 0.7;
export const GPU_BOUND_MIN_TICKS = 5;


function saturated(h: HostView, uuid: string, ticks: readonly GpuTick[]): FindingDraft | null {
  // Only ticks where the run is on the GPU and the reading is known: a null is a gap, never 0.
  const used = ticks.filter((t) => t.run_procs > 0 && t.util_ratio !== null);
  if (used.length < GPU_BOUND_MIN_TICKS) return null;
  const utils = used.map((t) => t.util_ratio ?? 0);
  const share = utils.filter((u) => u >= GPU_BUSY_UTIL_RATIO).length / used.length;
  if (share < GPU_BOUND_MIN_TICK_SHARE) return null;
  const util = mean(utils);
  return {
    kind: 'gpu_bound', severity: 'info', scope: 'gpu', scope_id: uuid, host: h.host,
    start_ts: used[0]?.ts ?? 0, end_ts: used[used.length - 1]?.ts ?? 0,
    confidence: round(Math.min(1, 0.5 + share / 2)),
    message: `GPU-bound: ${uuid} on ${h.host} is ≥${GPU_BUSY_UTIL_RATIO * 100}% busy in ${Math.round(share * 100)}% of ${used.length} samples (mean ${Math.round(util * 100)}%)`,
    advice: `The GPU is the bottleneck: profile the rank on ${h.host} that owns this GPU with Nsight Systems (nsys profile -t cuda,nvtx,cublas) for the kernel timeline, then Nsight Compute (ncu --set full) on the top kernels; check tensor-core use / mixed precision and kernel fusion.`,
    evidence: {
      util_mean: round(util), busy_tick_share: round(share), ticks: used.length,
      busy_util_ratio: GPU_BUSY_UTIL_RATIO, min_tick_share: GPU_BOUND_MIN_TICK_SHARE, min_ticks: GPU_BOUND_MIN_TICKS,
    },
  };
}

/** A GPU the run uses is saturated for most of the window. */
export const gpuBound = defineDetector({
  id: 'gpu_bound',
  description: 'A GPU used by the run is saturated (≥90% utilisation in most samples).',
  evaluate(w) {
    if (!(w.hosts ?? []).some(hasGpuTicks)) return [];
    return (w.hosts ?? []).flatMap((h) =>
      [...byGpu(h.gpus)].map(([uuid, ticks]) => saturated(h, uuid, ticks)).filter((f): f is FindingDraft => f !== null));
  },
});
