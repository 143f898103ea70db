/**
 * Pure parsers for host-wide /proc files. They never throw: a truncated or garbled line
 * is skipped, and a field that cannot be read comes back as null.
 */

/** Cumulative CPU time of all CPUs, in USER_HZ ticks. Guest time is already inside user/nice. */
export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
}

export interface ProcStat {
  readonly cpu: CpuTimes | null;
  readonly online_cpus: number;
  readonly ctxt: number | null;
  readonly procs_running: number | null;
  readonly procs_blocked: number | null;
}

function num(s: string | undefined): number | null {
  if (s === undefined || !/^\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function parseCpuLine(fields: readonly string[]): CpuTimes | null {
  const v = fields.slice(1, 9).map(num);
  // Kernels before 2.6.11 lack steal; anything shorter than iowait is garbage.
  if (v.length < 5 || v.slice(0, 5).some((x) => x === null)) return null;
  const at = (i: number): number => v[i] ?? 0;
  return {
    user: at(0), nice: at(1), system: at(2), idle: at(3), iowait: at(4),
    irq: at(5), softirq: at(6), steal: at(7),
  };
}

export function parseProcStat(text: string): ProcStat {
  let cpu: CpuTimes | null = null;
  let online = 0;
  let ctxt: number | null = null;
  let running: number | null = null;
  let blocked: number | null = null;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const key = f[0] ?? '';
    if (key === 'cpu') cpu = parseCpuLine(f);
    else if (/^cpu\d+$/.test(key) && parseCpuLine(f) !== null) online++;
    else if (key === 'ctxt') ctxt = num(f[1]);
    else if (key === 'procs_running') running = num(f[1]);
    else if (key === 'procs_blocked') blocked = num(f[1]);
  }
  return { cpu, online_cpus: online, ctxt, procs_running: running, procs_blocked: blocked };
}

/** /proc/meminfo as bytes; `kB` values are multiplied by 1024, unitless ones (HugePages_*) kept. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const v = Number(m[2]);
    out.set(m[1], m[3] === 'kB' ? v * 1024 : v);
  }
  return out;
}

export interface MemSummary {
  readonly mem_total_bytes: number;
  readonly mem_available_bytes: number;
  readonly mem_cached_bytes: number;
  readonly swap_used_bytes: number;
}

/** The node_samples memory columns; null when MemTotal is missing (truncated file). */
export function summariseMeminfo(mem: ReadonlyMap<string, number>): MemSummary | null {
  const total = mem.get('MemTotal');
  if (total === undefined) return null;
  const cached = mem.get('Cached') ?? 0;
  // MemAvailable appeared in 3.14; before that free + buffers + cache is the usual estimate.
  const available = mem.get('MemAvailable') ?? (mem.get('MemFree') ?? 0) + (mem.get('Buffers') ?? 0) + cached;
  const swap = Math.max(0, (mem.get('SwapTotal') ?? 0) - (mem.get('SwapFree') ?? 0));
  return { mem_total_bytes: total, mem_available_bytes: available, mem_cached_bytes: cached, swap_used_bytes: swap };
}

/** One-minute load average, or null. */
export function parseLoadavg(text: string): number | null {
  const first = text.trim().split(/\s+/)[0];
  return num(first);
}

export interface PressureTotals {
  /** Cumulative stall time in microseconds. */
  readonly some_us: number | null;
  readonly full_us: number | null;
}

/** /proc/pressure/{cpu,io,memory}: the `total=` microsecond counters of the some/full lines. */
export function parsePressure(text: string): PressureTotals {
  let some: number | null = null;
  let full: number | null = null;
  for (const line of text.split('\n')) {
    const m = /^(some|full)\s.*\btotal=(\d+)\s*$/.exec(line.trim());
    if (!m || m[2] === undefined) continue;
    if (m[1] === 'some') some = Number(m[2]);
    else full = Number(m[2]);
  }
  return { some_us: some, full_us: full };
}
