/**
 * Pure parsers for /proc/<pid>/{stat,status,io,schedstat}. Bad input gives null, never throws.
 * They scan the bytes as read, in place: the sampler reads four files per process per second,
 * and a string per file was most of its garbage. A string argument (tests, rare callers) is
 * converted once.
 */

/** What the parsers read: the bytes of one file, or its text. */
export type ProcText = string | Buffer;

const bytesOf = (t: ProcText): Buffer => (typeof t === 'string' ? Buffer.from(t, 'latin1') : t);

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

/** The integer written at `pos` (after spaces or tabs), NaN when there is none or it runs into text. */
export function intAt(b: Buffer, pos: number): number {
  const end = b.length;
  let i = pos;
  while (i < end && (b[i] === 32 || b[i] === 9)) i++;
  const negative = b[i] === 45;
  if (negative) i++;
  const first = i;
  let v = 0;
  for (let c = b[i] ?? -1; c >= 48 && c <= 57; c = b[++i] ?? -1) v = v * 10 + (c - 48);
  if (i === first) return Number.NaN;
  const after = b[i];
  if (!(after === undefined || after === 32 || after === 9 || after === 10)) return Number.NaN;
  return negative ? -v : v;
}

/** Start offsets of stat's fields 3 onwards (field N at index N - 3); reused across calls. */
export const FIELD_AT = new Int32Array(64);

/** Where each space-separated field after comm begins; returns how many there are. */
export function fieldStarts(b: Buffer, from: number): number {
  let n = 0;
  let i = from;
  const end = b.length;
  while (i < end && n < FIELD_AT.length) {
    while (i < end && b[i] === 32) i++;
    if (i >= end || b[i] === 10) break;
    FIELD_AT[n++] = i;
    while (i < end && b[i] !== 32 && b[i] !== 10) i++;
  }
  return n;
}

/** Field `i` of /proc/<pid>/stat (man 5 proc numbering) after fieldStarts ran from the ')'. */
export const statField = (b: Buffer, i: number): number => intAt(b, FIELD_AT[i - 3] ?? 0);

/** comm may hold spaces and parentheses, so split at the last ')'. */
export function parseStat(text: ProcText): ProcStat | null {
  const b = bytesOf(text);
  const open = b.indexOf(40); // '('
  const close = b.lastIndexOf(41); // ')'
  if (open < 0 || close < open) return null;
  const count = fieldStarts(b, close + 1);
  // FIELD_AT[0] is field 3 (state); field N is FIELD_AT[N - 3].
  if (count < 22) return null;
  const stat: ProcStat = {
    pid: intAt(b, 0),
    comm: b.toString('latin1', open + 1, close),
    state: String.fromCharCode(b[FIELD_AT[0] ?? 0] ?? 63),
    ppid: statField(b, 4), minflt: statField(b, 10), cminflt: statField(b, 11), majflt: statField(b, 12), utime: statField(b, 14), stime: statField(b, 15),
    threads: statField(b, 20), start_ticks: statField(b, 22), vsize: statField(b, 23), rss_pages: statField(b, 24),
    processor: count >= 37 ? statField(b, 39) : -1,
  };
  // intAt gives NaN for a field that is not a number, and NaN poisons the sum: one check, no array.
  const sum = stat.pid + stat.ppid + stat.minflt + stat.cminflt + stat.majflt + stat.utime + stat.stime + stat.threads +
    stat.start_ticks + stat.vsize + stat.rss_pages + stat.processor;
  return Number.isFinite(sum) ? stat : null;
}

/** Line keys ("key:"), as bytes. */
const lineKeys = (...names: string[]): readonly Buffer[] => names.map((k) => Buffer.from(k, 'latin1'));
const VALUES = new Float64Array(8);

/**
 * The integer after each key at the start of a line (its first such line), NaN where absent: one
 * pass over the bytes in JS instead of a Buffer.indexOf (a call into C++) per key. The result is
 * a shared array: read it before the next call.
 */
export function lineValues(b: Buffer, want: readonly Buffer[]): Float64Array {
  VALUES.fill(Number.NaN);
  const all = (1 << want.length) - 1;
  let done = 0;
  for (let i = 0, end = b.length; i < end && done !== all; i++) {
    const c = b[i];
    for (let k = 0; k < want.length; k++) {
      const key = want[k]!;
      if (key[0] !== c || (done & (1 << k)) !== 0) continue;
      let j = 1;
      while (j < key.length && b[i + j] === key[j]) j++;
      if (j < key.length) continue;
      VALUES[k] = intAt(b, i + j);
      done |= 1 << k;
      break;
    }
    while (i < end && b[i] !== 10) i++;
  }
  return VALUES;
}

export interface ProcStatus {
  readonly hwm_bytes: number | null;
  readonly vol_ctxsw: number;
  readonly invol_ctxsw: number;
}

export const STATUS_KEYS = lineKeys('VmHWM:', 'voluntary_ctxt_switches:', 'nonvoluntary_ctxt_switches:');

export function parseStatus(text: ProcText): ProcStatus | null {
  const v = lineValues(bytesOf(text), STATUS_KEYS);
  const hwm = v[0]!;
  const vol = v[1]!;
  const invol = v[2]!;
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

export const IO_KEYS = lineKeys('rchar:', 'wchar:', 'syscr:', 'syscw:', 'read_bytes:', 'write_bytes:', 'cancelled_write_bytes:');

export function parseIo(text: ProcText): ProcIo | null {
  const v = lineValues(bytesOf(text), IO_KEYS);
  for (let k = 0; k < 6; k++) if (!Number.isFinite(v[k])) return null;
  const cancelled = v[6]!;
  return {
    rchar: v[0]!, wchar: v[1]!, syscr: v[2]!, syscw: v[3]!, read_bytes: v[4]!, write_bytes: v[5]!,
    cancelled_write_bytes: Number.isFinite(cancelled) ? cancelled : 0,
  };
}

const SCHED = new Float64Array(3);

/**
 * schedstat's three numbers (ns on CPU, ns runnable but waiting, timeslices run) into a shared
 * array (read it before the next call); NaN where one is missing.
 */
export function schedstatValues(b: Buffer): Float64Array {
  let i = 0;
  while (b[i] === 32 || b[i] === 9 || b[i] === 10) i++;
  const gap = b.indexOf(32, i);
  const gap2 = gap < 0 ? -1 : b.indexOf(32, gap + 1);
  SCHED[0] = intAt(b, i);
  SCHED[1] = gap < 0 ? Number.NaN : intAt(b, gap);
  SCHED[2] = gap2 < 0 ? Number.NaN : intAt(b, gap2);
  return SCHED;
}

/** schedstat: nanoseconds on CPU, nanoseconds runnable but waiting, timeslices. */
export function parseSchedstat(text: ProcText): { run_ns: number; wait_ns: number } | null {
  const v = schedstatValues(bytesOf(text));
  const run = v[0]!;
  const wait = v[1]!;
  return Number.isFinite(run) && Number.isFinite(wait) ? { run_ns: run, wait_ns: wait } : null;
}
