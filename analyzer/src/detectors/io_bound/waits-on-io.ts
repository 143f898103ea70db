import { nodeAt } from '../../window/run-window.ts';
import type { RunTick, RunWindow } from '../../window/run-window.ts';
import { type StorageCapability, capabilityShare } from '../../window/storage-capability.ts';

export const MIN_STORAGE_BYTES_PER_S = 1024 * 1024;
export const PSI_IO_THRESHOLD = 0.2;
export const IOWAIT_CORES = 0.2;
/** Storage at this share of the device's measured or declared bandwidth is the device's speed. */
export const IO_CAPABILITY_SHARE = 0.7;

/** The tick's storage rate as a share of the device's capability; null when unknown. */
export function deviceShare(t: RunTick, cap: StorageCapability): number | null {
  return capabilityShare(t.storage_bytes_per_s - t.write_bytes_per_s, t.write_bytes_per_s, cap, MIN_STORAGE_BYTES_PER_S);
}

/** Storage traffic while the run waits (processes in D state, IO pressure on the host) or at the device's speed. */
export function waitsOnIo(w: RunWindow, t: RunTick, cap: StorageCapability): boolean {
  if (t.storage_bytes_per_s < MIN_STORAGE_BYTES_PER_S) return false;
  const n = nodeAt(w, t.ts);
  if (t.d_state_procs > 0 || (n?.psi_io_some ?? 0) >= PSI_IO_THRESHOLD || (n?.iowait_cores ?? 0) >= IOWAIT_CORES) return true;
  return (deviceShare(t, cap) ?? 0) >= IO_CAPABILITY_SHARE;
}
