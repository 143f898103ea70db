/** Pure parsers for /proc/<pid>/cgroup and cgroup v1/v2 interface files. They never throw. */

export interface CgroupEntry {
  /** Hierarchy id; 0 is the v2 unified hierarchy. */
  readonly id: number;
  /** v1 controllers of the hierarchy (e.g. ['cpu', 'cpuacct']); empty for v2. */
  readonly controllers: readonly string[];
  readonly path: string;
}

/** Lines look like `4:memory:/slurm/uid_1/job_42` or `0::/user.slice`. The path may hold colons. */
export function parseProcCgroup(text: string): CgroupEntry[] {
  const out: CgroupEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) continue;
    const controllers = m[2] === '' ? [] : m[2].split(',');
    out.push({ id: Number(m[1]), controllers, path: m[3] });
  }
  return out;
}

/** A file holding one integer (cpuacct.usage, memory.current, ...). */
export function parseSingleNumber(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

/** `key value` lines (cpu.stat, memory.stat). */
export function parseFlatKeyed(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  if (text === null) return out;
  for (const line of text.split('\n')) {
    const m = /^(\w+)\s+(\d+)\s*$/.exec(line.trim());
    if (m && m[1] !== undefined && m[2] !== undefined) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Memory limits at or above 2^62 are the kernel's "no limit" (v1 prints PAGE_COUNTER_MAX pages). */
const UNLIMITED_BYTES = 2 ** 62;

/** memory.limit_in_bytes (v1) or memory.max (v2); null when unlimited or unreadable. */
export function parseMemLimit(text: string | null): number | null {
  if (text === null || text.trim() === 'max') return null;
  const v = parseSingleNumber(text);
  return v === null || v < 0 || v >= UNLIMITED_BYTES ? null : v;
}

/** v1 cfs_quota_us / cfs_period_us in cores; quota -1 means unlimited. */
export function quotaCores(quotaUs: number | null, periodUs: number | null): number | null {
  if (quotaUs === null || periodUs === null || quotaUs <= 0 || periodUs <= 0) return null;
  return quotaUs / periodUs;
}

/** v2 cpu.max: `max 100000` (unlimited) or `50000 100000`. */
export function parseCpuMax(text: string | null): number | null {
  if (text === null) return null;
  const [q, p] = text.trim().split(/\s+/);
  if (q === undefined || q === 'max' || p === undefined) return null;
  return quotaCores(parseSingleNumber(q), parseSingleNumber(p));
}

export interface IoBytes {
  readonly read: number;
  readonly write: number;
}

/** v1 blkio.throttle.io_service_bytes: sums `maj:min Read|Write N` over devices; the `Total` line is skipped. */
export function parseBlkioBytes(text: string | null): IoBytes | null {
  if (text === null) return null;
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    const m = /^\d+:\d+\s+(Read|Write)\s+(\d+)\s*$/.exec(line.trim());
    if (!m || m[2] === undefined) continue;
    if (m[1] === 'Read') read += Number(m[2]);
    else write += Number(m[2]);
  }
  return { read, write };
}

/** v2 io.stat: `254:0 rbytes=1 wbytes=2 rios=3 ...`, summed over devices. */
export function parseIoStat(text: string | null): IoBytes | null {
  if (text === null) return null;
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    if (!/^\d+:\d+\s/.test(line)) continue;
    const r = /\brbytes=(\d+)/.exec(line)?.[1];
    const w = /\bwbytes=(\d+)/.exec(line)?.[1];
    if (r !== undefined) read += Number(r);
    if (w !== undefined) write += Number(w);
  }
  return { read, write };
}
