import { defineDetector, round, runFinding } from '../detector.ts';
import { mean } from '../../lib/stats.ts';
import type { RunTick } from '../../window/run-window.ts';

/** Kernel time dominates, with few bytes moved: the signature of open/stat/create/unlink storms. */
export const MIN_SYS_SHARE = 0.6;
export const MAX_BYTES_PER_S = 8 * 1024 * 1024;
export const MIN_CPU_CORES = 0.3;
export const MIN_TICKS = 3;

function metadataHeavy(t: RunTick): boolean {
  return t.cpu_cores >= MIN_CPU_CORES && t.sys_cores >= MIN_SYS_SHARE * t.cpu_cores
    && t.syscall_bytes_per_s < MAX_BYTES_PER_S && t.storage_bytes_per_s < MAX_BYTES_PER_S;
}

export const ioMetadataBound = defineDetector({
  id: 'io_metadata_bound',
  description: 'Many file-system metadata operations, few bytes.',
  evaluate(w) {
    const hits = w.ticks.filter(metadataHeavy);
    if (hits.length < MIN_TICKS || hits.length < 0.5 * w.ticks.length) return [];
    const sysShare = mean(hits.map((t) => t.sys_cores / Math.max(t.cpu_cores, 1e-9)));
    return [runFinding('io_metadata_bound', w, { start: hits[0]?.ts ?? 0, end: hits[hits.length - 1]?.ts ?? 0 }, {
      severity: 'warning', confidence: round(Math.min(0.9, sysShare)),
      message: `IO metadata bound: ${Math.round(sysShare * 100)}% of CPU time in the kernel while moving under ${round(MAX_BYTES_PER_S / 1048576)} MiB/s`,
      advice: 'Count the calls with strace -c -f (openat, stat, unlink); batch small files into archives or HDF5, avoid per-step file creation, use node-local scratch.',
      evidence: { sys_share_mean: round(sysShare), storage_bytes_per_s_mean: round(mean(hits.map((t) => t.storage_bytes_per_s)), 0), min_sys_share: MIN_SYS_SHARE, max_bytes_per_s: MAX_BYTES_PER_S },
    })];
  },
});
