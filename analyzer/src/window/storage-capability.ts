import { type Row, groupBy } from '@runlens/schemas';

/**
 * What the storage of a run's hosts can do, from the device_profiles rows (measured by a direct-IO
 * probe or declared). A direction is null when any device's is unknown: the run may be using that
 * device, and a guess would make a verdict up.
 */
export interface StorageCapability {
  readonly read_bytes_per_s: number | null;
  readonly write_bytes_per_s: number | null;
  /** `host/device: why` for every device whose capability is not known. */
  readonly unknown: readonly string[];
}

/** Nothing known: no device_profiles row at all. */
export const NO_STORAGE: StorageCapability = { read_bytes_per_s: null, write_bytes_per_s: null, unknown: [] };

/**
 * One host's capability: per direction, the fastest of its devices (a run at 70% of the fastest is
 * at the speed of whichever device it uses), or null when any device's is unknown.
 */
export function hostStorage(devices: readonly Row<'device_profiles'>[]): StorageCapability {
  const latest = new Map<string, Row<'device_profiles'>>();
  for (const d of devices) {
    const k = `${d.host}/${d.device}`;
    if ((latest.get(k)?.ts ?? -Infinity) <= d.ts) latest.set(k, d);
  }
  if (latest.size === 0) return NO_STORAGE;
  const rows = [...latest.values()];
  const dir = (f: (r: Row<'device_profiles'>) => number | null): number | null =>
    rows.some((r) => f(r) === null) ? null : Math.max(...rows.map((r) => f(r) ?? 0));
  return {
    read_bytes_per_s: dir((r) => r.read_bytes_per_s), write_bytes_per_s: dir((r) => r.write_bytes_per_s),
    unknown: rows.filter((r) => r.read_bytes_per_s === null || r.write_bytes_per_s === null).map((r) => `${r.host}/${r.device}: ${r.source === 'unknown' ? r.detail : 'one direction not measured'}`),
  };
}

/** Several hosts of one run: their bandwidths add up (the run's rate is summed over its hosts). */
export function runStorage(hosts: readonly StorageCapability[]): StorageCapability {
  if (hosts.length === 0) return NO_STORAGE;
  // One host (most runs, judged by several detectors at every tick): its own capability, the same sums.
  if (hosts.length === 1) return hosts[0] as StorageCapability;
  const sum = (f: (c: StorageCapability) => number | null): number | null => (hosts.some((h) => f(h) === null) ? null : hosts.reduce((s, h) => s + (f(h) ?? 0), 0));
  return { read_bytes_per_s: sum((c) => c.read_bytes_per_s), write_bytes_per_s: sum((c) => c.write_bytes_per_s), unknown: hosts.flatMap((h) => h.unknown) };
}

/**
 * How near the device's capability a read and write rate is: the larger share of the directions
 * in use (≥ `minRate`); null when a direction in use has no known capability.
 */
export function capabilityShare(readPerS: number, writePerS: number, cap: StorageCapability, minRate: number): number | null {
  const parts: [number, number | null][] = [[readPerS, cap.read_bytes_per_s], [writePerS, cap.write_bytes_per_s]];
  const used = parts.filter(([rate]) => rate >= minRate);
  if (used.length === 0) return 0;
  if (used.some(([, c]) => c === null)) return null;
  return Math.max(...used.map(([rate, c]) => rate / (c ?? 1)));
}

/** A run's capability from its hosts' device_profiles rows (as the report reads them from the store). */
export function storageOfRows(rows: readonly Row<'device_profiles'>[], hosts: readonly string[]): StorageCapability {
  const byHost = groupBy(rows, (r) => r.host);
  return runStorage(hosts.map((h) => hostStorage(byHost.get(h) ?? [])));
}
