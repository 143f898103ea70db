/** Pure parsers for /proc/<pid>/{stat,status,io,schedstat}. Bad input gives null, never throws. */

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  readonly minflt: number;
  /** Faults of reaped children: it grows when (and only when) this process reaps one with wait(). */
  readonly cminflt: number;
  readonly majflt: number;
  readonly utime: number;
  readonly stime: number;
  readonly threads: number;
  readonly start_ticks: number;
  readonly vsize: number;
  readonly rss_pages: number;
  readonly processor: number;
}

/** comm may hold spaces and parentheses, so split at the last ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const f = text.slice(close + 2).trim().split(' ');
  // f[0] is field 3 (state); field N is f[N - 3].
  if (f.length < 22) return null;
  const n = (i: number): number => Number(f[i - 3]);
  const stat: ProcStat = {
    pid: Number.parseInt(text.slice(0, open), 10),
    comm: text.slice(open + 1, close),
    state: f[0] ?? '?',
    ppid: n(4), minflt: n(10), cminflt: n(11), majflt: n(12), utime: n(14), stime: n(15),
    threads: n(20), start_ticks: n(22), vsize: n(23), rss_pages: n(24),
    processor: f.length >= 37 ? n(39) : -1,
  };
  const numbers = [stat.pid, stat.ppid, stat.minflt, stat.cminflt, stat.majflt, stat.utime, stat.stime, stat.threads,
    stat.start_ticks, stat.vsize, stat.rss_pages, stat.processor];
  return numbers.every(Number.isFinite) ? stat : null;
}

export interface ProcStatus {
  readonly hwm_bytes: number | null;
  readonly vol_ctxsw: number;
  readonly invol_ctxsw: number;
}

export function parseStatus(text: string): ProcStatus | null {
  let hwm: number | null = null;
  let vol: number | null = null;
  let invol: number | null = null;
  for (const line of text.split('\n')) {
    const sep = line.indexOf(':');
    if (sep < 0) continue;
    const key = line.slice(0, sep);
    const value = Number.parseInt(line.slice(sep + 1).trim(), 10);
    if (!Number.isFinite(value)) continue;
    if (key === 'VmHWM') hwm = value * 1024;
    else if (key === 'voluntary_ctxt_switches') vol = value;
    else if (key === 'nonvoluntary_ctxt_switches') invol = value;
  }
  return vol === null || invol === null ? null : { hwm_bytes: hwm, vol_ctxsw: vol, invol_ctxsw: invol };
}

export interface ProcIo {
  readonly rchar: number;
  readonly wchar: number;
  readonly syscr: number;
  readonly syscw: number;
  readonly read_bytes: number;
  readonly write_bytes: number;
  /** Dirty page-cache bytes that were truncated before write-back (deleted temp files). */
  readonly cancelled_write_bytes: number;
}

const IO_KEYS = ['rchar', 'wchar', 'syscr', 'syscw', 'read_bytes', 'write_bytes'] as const;

export function parseIo(text: string): ProcIo | null {
  const seen = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.split(':');
    if (k === undefined || v === undefined) continue;
    const value = Number(v.trim());
    if (Number.isFinite(value) && v.trim() !== '') seen.set(k.trim(), value);
  }
  if (!IO_KEYS.every((k) => seen.has(k))) return null;
  const get = (k: (typeof IO_KEYS)[number]): number => seen.get(k) ?? 0;
  return {
    rchar: get('rchar'), wchar: get('wchar'), syscr: get('syscr'), syscw: get('syscw'),
    read_bytes: get('read_bytes'), write_bytes: get('write_bytes'), cancelled_write_bytes: seen.get('cancelled_write_bytes') ?? 0,
  };
}

/** schedstat: nanoseconds on CPU, nanoseconds runnable but waiting, timeslices. */
export function parseSchedstat(text: string): { run_ns: number; wait_ns: number } | null {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  return run !== undefined && wait !== undefined && Number.isFinite(run) && Number.isFinite(wait)
    ? { run_ns: run, wait_ns: wait }
    : null;
}
