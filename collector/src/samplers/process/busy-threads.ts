import { readdirSync } from 'node:fs';
import { readText } from '../../lib/proc-files.ts';
import { parseSchedstat } from './parse.ts';

/** A thread is busy when it was on a CPU or waiting for one for at least this share of the tick. */
export const BUSY_THREAD_SHARE = 0.05;
/** Processes with more threads are not scanned per thread: the cost grows with threads. */
export const MAX_SCANNED_THREADS = 256;

/** Per thread since it started: seconds on a CPU or waiting for one, and seconds waiting. */
interface Times { readonly busy_s: number; readonly wait_s: number }

interface Scan {
  readonly mono_s: number;
  readonly threads: ReadonlyMap<string, Times>;
}

/** One process over the interval since its previous scan. */
export interface ThreadScan {
  /** Threads on a CPU or waiting for one for at least BUSY_THREAD_SHARE of the interval. */
  readonly busy: number;
  /**
   * Nanoseconds per second that all its threads waited for a CPU. /proc/<pid>/schedstat is the
   * main thread's alone: an OpenMP process with 8 threads on 2 cores showed the main thread's wait.
   */
  readonly wait_ns_per_s: number;
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
   * `pid`'s threads over the interval since its previous scan; null on a process's first scan,
   * for single-threaded or very many-threaded processes, or when its task list is gone.
   */
  scan(pid: number, start_ticks: number, threads: number, mono_s: number): ThreadScan | null {
    if (threads <= 1 || threads > MAX_SCANNED_THREADS) return null;
    const key = `${pid}:${start_ticks}`;
    const now = this.read(pid);
    if (!now) return null;
    this.seen.add(key);
    const before = this.prev.get(key);
    this.prev.set(key, { mono_s, threads: now });
    const dt = before ? mono_s - before.mono_s : 0;
    if (!before || dt <= 0) return null;
    let busy = 0;
    let wait = 0;
    // A thread born since the previous scan started from zero: all its time is in this interval.
    // One that ended since took its last interval's wait with it (the kernel keeps no sum).
    for (const [tid, t] of now) {
      const was = before.threads.get(tid);
      if ((t.busy_s - (was?.busy_s ?? 0)) / dt >= BUSY_THREAD_SHARE) busy++;
      wait += Math.max(0, t.wait_s - (was?.wait_s ?? 0));
    }
    return { busy, wait_ns_per_s: (wait / dt) * 1e9 };
  }

  private read(pid: number): Map<string, Times> | null {
    let tids: string[];
    try {
      tids = readdirSync(`${this.procRoot}/${pid}/task`);
    } catch {
      return null; // vanished mid-scan
    }
    const out = new Map<string, Times>();
    for (const tid of tids) {
      const s = parseSchedstat(readText(`${this.procRoot}/${pid}/task/${tid}/schedstat`) ?? '');
      if (s) out.set(tid, { busy_s: (s.run_ns + s.wait_ns) / 1e9, wait_s: s.wait_ns / 1e9 });
    }
    return out;
  }

  /** Forgets processes not scanned since the previous sweep. */
  sweep(): void {
    for (const k of this.prev.keys()) if (!this.seen.has(k)) this.prev.delete(k);
    this.seen.clear();
  }
}
