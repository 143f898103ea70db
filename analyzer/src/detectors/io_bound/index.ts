import { defineDetector, round, runFinding } from '../detector.ts';
import { nodeAt } from '../../window/run-window.ts';
import { mean } from '../../lib/stats.ts';
import { NO_STORAGE, runStorage } from '../../window/storage-capability.ts';
import { MIN_STORAGE_BYTES_PER_S, PSI_IO_THRESHOLD, deviceShare, waitsOnIo } from './waits-on-io.ts';

export { IOWAIT_CORES, IO_CAPABILITY_SHARE, MIN_STORAGE_BYTES_PER_S, PSI_IO_THRESHOLD } from './waits-on-io.ts';
export const MIN_TICK_SHARE = 0.5;

export const ioBound = defineDetector({
  id: 'io_bound',
  description: 'Time lost waiting on storage.',
  evaluate(w) {
    const cap = runStorage((w.hosts ?? []).map((h) => h.storage ?? NO_STORAGE));
    const hits = w.ticks.filter((t) => waitsOnIo(w, t, cap));
    const active = w.ticks.filter((t) => t.cpu_cores >= 0.02 || t.storage_bytes_per_s > 0);
    if (hits.length < 3 || hits.length < MIN_TICK_SHARE * active.length) return [];
    const share = hits.length / Math.max(1, active.length);
    const rate = mean(hits.map((t) => t.storage_bytes_per_s));
    const psi = mean(hits.map((t) => nodeAt(w, t.ts)?.psi_io_some ?? 0));
    const dShare = hits.filter((t) => t.d_state_procs > 0).length / hits.length;
    const shares = hits.map((t) => deviceShare(t, cap));
    return [runFinding('io_bound', w, { start: hits[0]?.ts ?? 0, end: hits[hits.length - 1]?.ts ?? 0 }, {
      severity: share > 0.8 ? 'warning' : 'info',
      confidence: round(Math.min(1, 0.4 + share / 2 + (psi > PSI_IO_THRESHOLD ? 0.1 : 0))),
      message: `IO-bound: ${round(rate / 1048576, 1)} MiB/s of storage IO while waiting on it in ${Math.round(share * 100)}% of active samples`,
      advice: 'Storage limits this run: use larger, aligned requests or async IO, stage data to local/burst storage, and trace with strace -c / iostat -x / Darshan.',
      evidence: {
        storage_bytes_per_s_mean: round(rate, 0), psi_io_some_mean: round(psi), d_state_share: round(dShare), tick_share: round(share),
        min_storage_bytes_per_s: MIN_STORAGE_BYTES_PER_S, psi_io_threshold: PSI_IO_THRESHOLD,
        // The device's capability, or "unknown" (never a guess): not measured nor declared on a host.
        device_share_mean: shares.some((s) => s === null) ? 'unknown' : round(mean(shares.map((s) => s ?? 0))),
      },
    })];
  },
});
