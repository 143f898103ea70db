import { defineDetector, round, runFinding } from '../detector.ts';
import { nodeAt } from '../../window/run-window.ts';
import { mean } from '../../lib/stats.ts';
import type { RunTick, RunWindow } from '../../window/run-window.ts';
import { NO_STORAGE, type StorageCapability, capabilityShare, runStorage } from '../../window/storage-capability.ts';

export const MIN_STORAGE_BYTES_PER_S = 1024 * 1024;
export const PSI_IO_THRESHOLD = 0.2;
export const MIN_TICK_SHARE = 0.5;
export const IOWAIT_CORES = 0.2;
/** Storage at this share of the device's measured or declared bandwidth is the device's speed. */
export const IO_CAPABILITY_SHARE = 0.7;

/** The tick's storage rate as a share of the device's capability; null when unknown. */
function deviceShare(t: RunTick, cap: StorageCapability): number | null {
  return capabilityShare(t.storage_bytes_per_s - t.write_bytes_per_s, t.write_bytes_per_s, cap, MIN_STORAGE_BYTES_PER_S);
}

/** Storage traffic while the run waits (processes in D state, IO pressure on the host) or at the device's speed. */
function waitsOnIo(w: RunWindow, t: RunTick, cap: StorageCapability): boolean {
  if (t.storage_bytes_per_s < MIN_STORAGE_BYTES_PER_S) return false;
  const n = nodeAt(w, t.ts);
  if (t.d_state_procs > 0 || (n?.psi_io_some ?? 0) >= PSI_IO_THRESHOLD || (n?.iowait_cores ?? 0) >= IOWAIT_CORES) return true;
  return (deviceShare(t, cap) ?? 0) >= IO_CAPABILITY_SHARE;
}

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
