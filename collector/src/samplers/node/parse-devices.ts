/** Pure parsers for /proc/diskstats and /proc/net/dev. Bad lines are skipped, never thrown on. */

export interface DiskCounters {
  readonly device: string;
  readonly reads: number;
  readonly read_sectors: number;
  readonly writes: number;
  readonly write_sectors: number;
  /** Milliseconds with IO in flight. */
  readonly io_ticks_ms: number;
}

/** RAM- and file-backed devices say nothing about storage. */
const VIRTUAL_DISK = /^(loop|ram|zram)\d*$/;

/** sda1 of sda, nvme0n1p1 of nvme0n1, md0p1 of md0: a name ending in a digit takes a `p`. */
export function isPartitionOf(name: string, disk: string): boolean {
  if (name.length <= disk.length || !name.startsWith(disk)) return false;
  const rest = name.slice(disk.length);
  return /\d$/.test(disk) ? /^p\d+$/.test(rest) : /^\d+$/.test(rest);
}

function parseDiskLine(line: string): DiskCounters | null {
  const f = line.trim().split(/\s+/);
  // major minor name + at least 10 stat fields (io_ticks is field 10).
  if (f.length < 13) return null;
  const v = f.slice(3, 13).map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (v.some((x) => !Number.isFinite(x))) return null;
  const at = (i: number): number => v[i] ?? 0;
  return {
    device: f[2] ?? '', reads: at(0), read_sectors: at(2), writes: at(4), write_sectors: at(6), io_ticks_ms: at(9),
  };
}

/** Whole disks only: virtual devices and partitions of a listed disk are dropped. */
export function parseDiskstats(text: string): DiskCounters[] {
  const all: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const d = parseDiskLine(line);
    if (d && d.device !== '' && !VIRTUAL_DISK.test(d.device)) all.push(d);
  }
  const names = all.map((d) => d.device);
  return all.filter((d) => !names.some((disk) => isPartitionOf(d.device, disk)));
}

export interface NetCounters {
  readonly device: string;
  readonly rx_bytes: number;
  readonly rx_packets: number;
  readonly tx_bytes: number;
  readonly tx_packets: number;
  /** rx + tx errs + drop. */
  readonly errors: number;
}

function parseNetLine(line: string): NetCounters | null {
  const colon = line.indexOf(':');
  if (colon < 0) return null;
  const device = line.slice(0, colon).trim();
  const f = line.slice(colon + 1).trim().split(/\s+/);
  if (device === '' || f.length < 16) return null;
  const v = f.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (v.slice(0, 16).some((x) => !Number.isFinite(x))) return null;
  const at = (i: number): number => v[i] ?? 0;
  return {
    device, rx_bytes: at(0), rx_packets: at(1), tx_bytes: at(8), tx_packets: at(9),
    errors: at(2) + at(3) + at(10) + at(11),
  };
}

/** Interfaces except loopback; the two header lines have no counters and fall out. */
export function parseNetDev(text: string): NetCounters[] {
  const out: NetCounters[] = [];
  for (const line of text.split('\n')) {
    const n = parseNetLine(line);
    if (n && n.device !== 'lo') out.push(n);
  }
  return out;
}
