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

/**
 * The integer written at `pos` (after spaces or tabs), NaN when there is none. Scanning the
 * text in place allocates nothing: the sampler reads four files per process per second.
 */
function intAt(text: string, pos: number): number {
  let i = pos;
  let c = text.charCodeAt(i);
  while (c === 32 || c === 9) c = text.charCodeAt(++i);
  const negative = c === 45;
  if (negative) c = text.charCodeAt(++i);
  if (!(c >= 48 && c <= 57)) return Number.NaN;
  let v = 0;
  while (c >= 48 && c <= 57) {
    v = v * 10 + (c - 48);
    c = text.charCodeAt(++i);
  }
  // A number glued to other text ("12ab") is not a number.
  if (!(Number.isNaN(c) || c === 32 || c === 9 || c === 10)) return Number.NaN;
  return negative ? -v : v;
}

/** Start offsets of stat's fields 3 onwards (field N at index N - 3); reused across calls. */
const FIELD_AT = new Int32Array(64);

/** Where each space-separated field after comm begins; returns how many there are. */
function fieldStarts(text: string, from: number): number {
  let n = 0;
  let i = from;
  const end = text.length;
  while (i < end && n < FIELD_AT.length) {
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i >= end || text.charCodeAt(i) === 10) break;
    FIELD_AT[n++] = i;
    while (i < end && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 10) i++;
  }
  return n;
}

/** comm may hold spaces and parentheses, so split at the last ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const count = fieldStarts(text, close + 1);
  // FIELD_AT[0] is field 3 (state); field N is FIELD_AT[N - 3].
  if (count < 22) return null;
  const n = (i: number): number => intAt(text, FIELD_AT[i - 3] ?? 0);
  const stat: ProcStat = {
    pid: intAt(text, 0),
    comm: text.slice(open + 1, close),
    state: text.charAt(FIELD_AT[0] ?? 0) || '?',
    ppid: n(4), minflt: n(10), cminflt: n(11), majflt: n(12), utime: n(14), stime: n(15),
    threads: n(20), start_ticks: n(22), vsize: n(23), rss_pages: n(24),
    processor: count >= 37 ? n(39) : -1,
  };
  const numbers = [stat.pid, stat.ppid, stat.minflt, stat.cminflt, stat.majflt, stat.utime, stat.stime, stat.threads,
    stat.start_ticks, stat.vsize, stat.rss_pages, stat.processor];
  return numbers.every(Number.isFinite) ? stat : null;
}

/** The integer after `key` at the start of a line, NaN when the line is absent. */
function lineValue(text: string, key: string): number {
  if (text.startsWith(key)) return intAt(text, key.length);
  const nl = text.indexOf(`\n${key}`);
  return nl < 0 ? Number.NaN : intAt(text, nl + 1 + key.length);
}

export interface ProcStatus {
  readonly hwm_bytes: number | null;
  readonly vol_ctxsw: number;
  readonly invol_ctxsw: number;
}

export function parseStatus(text: string): ProcStatus | null {
  const hwm = lineValue(text, 'VmHWM:');
  const vol = lineValue(text, 'voluntary_ctxt_switches:');
  const invol = lineValue(text, 'nonvoluntary_ctxt_switches:');
  if (!Number.isFinite(vol) || !Number.isFinite(invol)) return null;
  return { hwm_bytes: Number.isFinite(hwm) ? hwm * 1024 : null, vol_ctxsw: vol, invol_ctxsw: invol };
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

export function parseIo(text: string): ProcIo | null {
  const v = (key: string): number => lineValue(text, key);
  const io = {
    rchar: v('rchar:'), wchar: v('wchar:'), syscr: v('syscr:'), syscw: v('syscw:'),
    read_bytes: v('read_bytes:'), write_bytes: v('write_bytes:'), cancelled_write_bytes: v('cancelled_write_bytes:'),
  };
  if (![io.rchar, io.wchar, io.syscr, io.syscw, io.read_bytes, io.write_bytes].every(Number.isFinite)) return null;
  return Number.isFinite(io.cancelled_write_bytes) ? io : { ...io, cancelled_write_bytes: 0 };
}

/** schedstat: nanoseconds on CPU, nanoseconds runnable but waiting, timeslices. */
export function parseSchedstat(text: string): { run_ns: number; wait_ns: number } | null {
  const line = text.trimStart();
  const gap = line.indexOf(' ');
  const run = intAt(line, 0);
  const wait = gap < 0 ? Number.NaN : intAt(line, gap);
  return Number.isFinite(run) && Number.isFinite(wait) ? { run_ns: run, wait_ns: wait } : null;
}
