import { KeptOpenFile, readSmall } from '../../lib/proc-files.ts';
import {
  FIELD_AT, IO_KEYS, STATUS_KEYS, fieldStarts, intAt, lineValues, schedstatValues, statField,
} from './parse.ts';

const FILES = ['stat', 'status', 'io', 'schedstat'] as const;
/** Files each kept-open process holds. */
export const FILES_PER_PROCESS = FILES.length;
const STAT = 0;
const STATUS = 1;
const IO = 2;
const SCHED = 3;
const EMPTY = Buffer.alloc(0);

/** Counters the sampler turns into rates, in `cpu`'s order: utime, stime, wait_ns, minflt, majflt, vol, invol. */
export const CPU_COUNTERS = 7;
/** `io`'s order: rchar, wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes. */
export const IO_COUNTERS = 7;

/** Numbers of stat in one scan, before they are known to belong to the slot's process. */
const SCAN = new Float64Array(12);
const [PID, PPID, MINFLT, CMINFLT, MAJFLT, UTIME, STIME, THREADS, START, VSIZE, RSS, CPU] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** Where comm lies in the scanned bytes: '(' and the last ')'. */
let commOpen = 0;
let commClose = 0;

/** Scans /proc/<pid>/stat into SCAN, as parseStat reads it; false when it is not a whole stat line. */
function scanStat(b: Buffer): boolean {
  const open = b.indexOf(40); // '('
  const close = b.lastIndexOf(41); // ')'
  if (open < 0 || close < open) return false;
  const count = fieldStarts(b, close + 1);
  if (count < 22) return false;
  commOpen = open;
  commClose = close;
  SCAN[PID] = intAt(b, 0);
  SCAN[PPID] = statField(b, 4);
  SCAN[MINFLT] = statField(b, 10);
  SCAN[CMINFLT] = statField(b, 11);
  SCAN[MAJFLT] = statField(b, 12);
  SCAN[UTIME] = statField(b, 14);
  SCAN[STIME] = statField(b, 15);
  SCAN[THREADS] = statField(b, 20);
  SCAN[START] = statField(b, 22);
  SCAN[VSIZE] = statField(b, 23);
  SCAN[RSS] = statField(b, 24);
  SCAN[CPU] = count >= 37 ? statField(b, 39) : -1;
  let sum = 0;
  for (let i = 0; i < SCAN.length; i++) sum += SCAN[i]!;
  return Number.isFinite(sum);
}

/** Whether `s` is the latin1 text of b[from, to). */
function sameLatin1(s: string, b: Buffer, from: number, to: number): boolean {
  if (s.length !== to - from) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== b[from + i]) return false;
  return true;
}

/** A scan count that no slot was read in. */
const NEVER = -2;

/**
 * One process's place in the sampler, kept from tick to tick while its pid lives: its open files,
 * its last reading parsed in place from the read bytes, and the previous counters its rates are
 * taken from. A reused pid (a new start time) resets what belongs to the old process. Nothing
 * here is allocated per tick: fields are overwritten, and comm is decoded only when its bytes
 * change.
 */
export class ProcSlot {
  ppid = 0;
  /** With pid, the identity; -1 until the first reading. */
  start_ticks = -1;
  /** `pid:start_ticks`, made once per identity. */
  key = '';
  comm = '';
  state = '';
  minflt = 0;
  /** Faults of reaped children: it grows when (and only when) this process reaps one with wait(). */
  cminflt = 0;
  threads = 0;
  vsize = 0;
  rss_pages = 0;
  processor = -1;
  /** VmHWM in bytes, null where status has none (kernel threads). */
  hwm_bytes: number | null = null;
  /** This reading's counters, CPU_COUNTERS in order. */
  readonly cpu: number[] = new Array<number>(CPU_COUNTERS).fill(0);
  /** This reading's /proc/<pid>/io counters (IO_COUNTERS in order), null where io is unreadable. */
  io: number[] | null = null;
  private readonly ioNow: number[] = new Array<number>(IO_COUNTERS).fill(0);

  /** The counters rates are taken from, their time, and the scan that last set them (NEVER: none). */
  readonly cpuPrev: number[] = new Array<number>(CPU_COUNTERS).fill(0);
  cpuPrevMono = 0;
  cpuPrevScan = NEVER;
  readonly ioPrev: number[] = new Array<number>(IO_COUNTERS).fill(0);
  ioPrevMono = 0;
  ioPrevScan = NEVER;

  /** schedstat's numbers at the last reading (NaN: none). */
  private schedRun = Number.NaN;
  private schedWait = Number.NaN;
  private schedSlices = Number.NaN;

  /** The scan it was last read in. */
  scan = NEVER;
  private readonly files: (KeptOpenFile | null | undefined)[] = [undefined, undefined, undefined, undefined];

  constructor(readonly pid: number, private readonly dir: string, private readonly keepOpen: boolean) {}

  /** The file's bytes, a view of a shared buffer that the next read overwrites; empty when unreadable. */
  private read(file: number): Buffer {
    if (!this.keepOpen) {
      const r = readSmall(`${this.dir}/${FILES[file]}`);
      return 'bytes' in r ? r.bytes : EMPTY;
    }
    let f = this.files[file];
    if (f === undefined) f = this.files[file] = KeptOpenFile.open(`${this.dir}/${FILES[file]}`);
    return f?.read() ?? EMPTY;
  }

  /**
   * Reads and parses the process's files in scan `scan`; false when it is gone (stat or status
   * unreadable), as ProcReader did: a process that vanished between two reads is skipped.
   * status and io are read only when schedstat cannot prove them unchanged (see `asleep`).
   */
  load(scan: number): boolean {
    let b = this.read(STAT);
    let ok = scanStat(b);
    if (this.start_ticks >= 0 && (!ok || SCAN[START] !== this.start_ticks)) {
      // The process we knew is gone; the pid may already be reused, so reopen once.
      this.close();
      b = this.read(STAT);
      ok = scanStat(b);
    }
    if (!ok) return false;
    const quiet = this.statUnchanged(scan);
    this.takeStat(b);
    const asleep = this.takeSched(schedstatValues(this.read(SCHED))) && quiet;
    if (!asleep && !this.readStatusAndIo()) return false;
    const c = this.cpu;
    c[0] = SCAN[UTIME]!; c[1] = SCAN[STIME]!; c[3] = SCAN[MINFLT]!; c[4] = SCAN[MAJFLT]!;
    c[2] = Number.isFinite(this.schedRun) && Number.isFinite(this.schedWait) ? this.schedWait : 0;
    this.scan = scan;
    return true;
  }

  /**
   * Whether the scanned stat is the same single-threaded process as in the previous scan, with
   * the same CPU times, faults and resident pages.
   */
  private statUnchanged(scan: number): boolean {
    const c = this.cpu;
    return this.scan === scan - 1 && SCAN[START] === this.start_ticks && this.threads === 1 && SCAN[THREADS] === 1 &&
      SCAN[RSS] === this.rss_pages && SCAN[UTIME] === c[0] && SCAN[STIME] === c[1] && SCAN[MINFLT] === c[3] && SCAN[MAJFLT] === c[4];
  }

  /**
   * Takes schedstat's numbers; true when they equal the previous scan's. schedstat is read before
   * status and io, so equal numbers (time on CPU, time waiting, timeslices: they move whenever the
   * task is switched in or out or ticks on a CPU) prove that the thread did not run between the
   * previous scan's reads and this one. status's context switches and io's counters move only
   * when the process itself runs; with one thread and the same resident pages (VmHWM follows
   * them), the previous scan's values still hold, and their two reads (the costlier half of
   * the four) are skipped. Most processes on a node sleep through most ticks.
   */
  private takeSched(v: Float64Array): boolean {
    const same = v[0] === this.schedRun && v[1] === this.schedWait && v[2] === this.schedSlices; // NaN: never the same
    this.schedRun = v[0]!;
    this.schedWait = v[1]!;
    this.schedSlices = v[2]!;
    return same;
  }

  /** status's and io's counters; false when status is unreadable or cut (the process is gone). */
  private readStatusAndIo(): boolean {
    const status = lineValues(this.read(STATUS), STATUS_KEYS);
    const vol = status[1]!;
    const invol = status[2]!;
    if (!Number.isFinite(vol) || !Number.isFinite(invol)) return false; // vanished between the two reads
    const hwm = status[0]!;
    this.hwm_bytes = Number.isFinite(hwm) ? hwm * 1024 : null;
    this.cpu[5] = vol;
    this.cpu[6] = invol;
    this.takeIo(lineValues(this.read(IO), IO_KEYS));
    return true;
  }

  /** Takes the scanned stat (bytes `b`, still unread over); a new start time is a new process. */
  private takeStat(b: Buffer): void {
    const start = SCAN[START]!;
    if (start !== this.start_ticks) {
      this.start_ticks = start;
      this.key = `${this.pid}:${start}`;
      this.cpuPrevScan = NEVER;
      this.ioPrevScan = NEVER;
    }
    this.ppid = SCAN[PPID]!;
    this.minflt = SCAN[MINFLT]!;
    this.cminflt = SCAN[CMINFLT]!;
    this.threads = SCAN[THREADS]!;
    this.vsize = SCAN[VSIZE]!;
    this.rss_pages = SCAN[RSS]!;
    this.processor = SCAN[CPU]!;
    this.state = String.fromCharCode(b[FIELD_AT[0] ?? 0] ?? 63);
    if (!sameLatin1(this.comm, b, commOpen + 1, commClose)) this.comm = b.toString('latin1', commOpen + 1, commClose);
  }

  /** io's counters, as parseIo reads them: null unless the first six are there. */
  private takeIo(v: Float64Array): void {
    for (let k = 0; k < 6; k++) {
      if (!Number.isFinite(v[k])) {
        this.io = null;
        return;
      }
    }
    const io = this.ioNow;
    for (let k = 0; k < 6; k++) io[k] = v[k]!;
    const cancelled = v[6]!;
    io[6] = Number.isFinite(cancelled) ? cancelled : 0;
    this.io = io;
  }

  close(): void {
    for (let i = 0; i < this.files.length; i++) {
      this.files[i]?.close();
      this.files[i] = undefined;
    }
  }
}
