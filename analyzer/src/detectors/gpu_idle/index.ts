import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { nearest } from '../../window/run-window.ts';
import { type GpuTick, type HostView, type RunWindow, byGpu, hasGpuTicks } from '../../window/run-window.ts';

/** At or below this utilisation a GPU does nothing (nvidia-smi reports 0-1% on an idle H100). */
export const GPU_IDLE_MAX_UTIL = 0.05;
export const GPU_IDLE_MIN_TICKS = 10;


/** GPU ticks while the run had a live process on the host; all of them when the host's run ticks are missing. */
function whileActive(h: HostView, ticks: readonly GpuTick[]): GpuTick[] {
  if (h.ticks.length === 0) return [...ticks];
  return ticks.filter((g) => (nearest(h.ticks, g.ts)?.procs ?? 0) > 0);
}

interface HostContext {
  readonly alloc: number;
  readonly runGpus: number;
  readonly candidates: number;
}

function finding(h: HostView, uuid: string, ticks: readonly GpuTick[], c: HostContext): FindingDraft {
  const maxUtil = Math.max(...ticks.map((t) => t.util_ratio ?? 0));
  const mems = ticks.map((t) => t.mem_used_bytes).filter((m): m is number => m !== null);
  // With a known allocation smaller than the idle candidates, some of them belong to nobody (or someone else).
  const missing = c.alloc > 0 ? c.alloc - c.runGpus : c.candidates;
  const certainty = Math.min(1, missing / c.candidates);
  const seconds = ((ticks[ticks.length - 1]?.ts ?? 0) - (ticks[0]?.ts ?? 0)) / 1000;
  return {
    kind: 'gpu_idle', severity: 'warning', scope: 'gpu', scope_id: uuid, host: h.host,
    start_ts: ticks[0]?.ts ?? 0, end_ts: ticks[ticks.length - 1]?.ts ?? 0,
    confidence: round(0.85 * certainty),
    message: `GPU idle: ${uuid} on ${h.host} has no process of the run and ${Math.round(maxUtil * 100)}% utilisation for ${Math.round(seconds)} s while the run uses ${c.runGpus} GPU(s) there`,
    advice: 'An allocated GPU does nothing: request fewer GPUs (--gres=gpu:N / --gpus-per-node), or make the launcher put one rank on each GPU (srun --gpus-per-task=1, torchrun --nproc_per_node=<GPUs>, check CUDA_VISIBLE_DEVICES and LOCAL_RANK → device mapping).',
    evidence: {
      util_max: round(maxUtil), mem_used_bytes_max: mems.length ? Math.max(...mems) : null, ticks: ticks.length,
      alloc_gpus: c.alloc, run_gpus: c.runGpus, idle_candidates: c.candidates,
      max_util: GPU_IDLE_MAX_UTIL, min_ticks: GPU_IDLE_MIN_TICKS,
    },
  };
}

function idleOnHost(w: RunWindow, h: HostView): FindingDraft[] {
  const gpus = byGpu(h.gpus);
  const runGpus = [...gpus.values()].filter((ts) => ts.some((t) => t.run_procs > 0)).length;
  const alloc = w.alloc_gpus ?? 0;
  // Nothing allocated that we know of and no GPU in use: this is not a GPU run.
  if (alloc === 0 && runGpus === 0) return [];
  if (alloc > 0 && runGpus >= alloc) return [];
  const idle = [...gpus].flatMap(([uuid, all]) => {
    const ticks = whileActive(h, all);
    const known = ticks.filter((t) => t.util_ratio !== null);
    const quiet = ticks.every((t) => t.run_procs === 0) && known.every((t) => (t.util_ratio ?? 0) <= GPU_IDLE_MAX_UTIL);
    return quiet && known.length >= GPU_IDLE_MIN_TICKS ? [[uuid, known] as const] : [];
  });
  const ctx = { alloc, runGpus, candidates: idle.length };
  return idle.map(([uuid, ticks]) => finding(h, uuid, ticks, ctx));
}

/** A GPU allocated to the run with no process of it and no work, while the run is active. */
export const gpuIdle = defineDetector({
  id: 'gpu_idle',
  description: 'A GPU allocated to the run has no process on it and does nothing.',
  evaluate(w) {
    if (!(w.hosts ?? []).some(hasGpuTicks)) return [];
    return (w.hosts ?? []).flatMap((h) => idleOnHost(w, h));
  },
});
