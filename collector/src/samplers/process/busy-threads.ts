import { readdirSync } from 'node:fs';
import { readText } from '../../lib/proc-files.ts';
import { parseSchedstat } from './parse.ts';

/** A thread is busy when it was on a CPU or waiting for one for at least this share of the tick. */
export const BUSY_THREAD_SHARE = 0.05;
/** Processes with more threads are not scanned per thread: the cost grows with threads. */
export const MAX_SCANNED_THREADS = 256;

interface Scan {
  readonly mono_s: number;
  /** Seconds each thread was on a CPU or waiting for one, since it started. */
  readonly busy_s: ReadonlyMap<string, number>;
}

/**
 * Counts the busy threads of multi-threaded processes from /proc/<pid>/task/<tid>/schedstat.
 * A process's thread count alone says how many threads could run, not how many do: an
 * Open MPI rank has 3 threads (main, PMIx and libevent progress) of which one computes, so
 * its 0.9 cores looked like a third of its threads' capacity and no detector saw it computing.
 */
export class BusyThreads {
  private prev = new Map<string, Scan>();
  private seen = new Set<string>();

  constructor(private readonly procRoot: string) {}

  /**
   * Busy threads of `pid` over the interval since its previous scan; null on a process's first
   * scan, for single-threaded or very many-threaded processes, or when its task list is gone.
   */
  count(pid: number, start_ticks: number, threads: number, mono_s: number): number | null {
    if (threads <= 1 || threads > MAX_SCANNED_THREADS) return null;
    const key = `${pid}:${start_ticks}`;
    const now = this.read(pid);
    if (!now) return null;
    this.seen.add(key);
    const before = this.prev.get(key);
    this.prev.set(key, { mono_s, busy_s: now });
    const dt = before ? mono_s - before.mono_s : 0;
    if (!before || dt <= 0) return null;
    let busy = 0;
    // A thread born since the previous scan started from zero: all its time is in this interval.
    for (const [tid, s] of now) if ((s - (before.busy_s.get(tid) ?? 0)) / dt >= BUSY_THREAD_SHARE) busy++;
    return busy;
  }

  private read(pid: number): Map<string, number> | null {
    let tids: string[];
    try {
      tids = readdirSync(`${this.procRoot}/${pid}/task`);
    } catch {
      return null; // vanished mid-scan
    }
    const out = new Map<string, number>();
    for (const tid of tids) {
      const s = parseSchedstat(readText(`${this.procRoot}/${pid}/task/${tid}/schedstat`) ?? '');
      if (s) out.set(tid, (s.run_ns + s.wait_ns) / 1e9);
    }
    return out;
  }

  /** Forgets processes not scanned since the previous sweep. */
  sweep(): void {
    for (const k of this.prev.keys()) if (!this.seen.has(k)) this.prev.delete(k);
    this.seen.clear();
  }
}
