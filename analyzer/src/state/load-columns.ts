import type { RunLoadTick } from './run-load.ts';
import { timesLowerBound, timesUpperBound } from '../window/tick-series.ts';

/** How many recent loads `held` looks through for a run id: a tick's loads on a host shared by as many runs. */
const LOOK_BACK = 256;

/**
 * A host's run loads (every run's CPU per tick) in arrival order, kept as columns: time, run and
 * CPU side by side in dense arrays. As objects (one, a box for the CPU and a string per load) an
 * hour of a host shared by 8 runs was 29,000 loads and 87,000 old-generation objects, which every
 * major GC walked; the outside-load walk reads only the times, and the runs and CPU of a new tick.
 */
export class LoadColumns {
  readonly ts: number[] = [];
  readonly run: string[] = [];
  readonly cpu: number[] = [];
  /** A load came out of time order (a late or replayed batch): read by filtering, not by search. */
  unordered = false;

  get length(): number {
    return this.ts.length;
  }

  /**
   * Appends a load; a second value for the same run and tick replaces the first (a replay may
   * group a host's loads differently, so by content alone a repeat would count twice). Drops the
   * loads before `keepFrom` from the front.
   */
  add(t: RunLoadTick, keepFrom: number): void {
    const n = this.ts.length;
    if (n > 0 && t.ts <= (this.ts[n - 1] as number)) {
      const at = this.indexOf(t);
      if (at >= 0) {
        this.cpu[at] = t.cpu_cores;
        return;
      }
      if (t.ts < (this.ts[n - 1] as number)) this.unordered = true;
    }
    if (Number.isNaN(t.ts)) this.unordered = true;
    this.ts.push(t.ts);
    this.run.push(this.held(t.run_id));
    this.cpu.push(t.cpu_cores);
    this.trim(keepFrom);
  }

  at(i: number): RunLoadTick {
    return { ts: this.ts[i] as number, run_id: this.run[i] as string, cpu_cores: this.cpu[i] as number };
  }

  /** The loads within 1.5 s of [from, to], in the order they arrived, as objects (HostState.between's rule). */
  between(from: number, to: number): RunLoadTick[] {
    const out: RunLoadTick[] = [];
    if (this.unordered) {
      for (let i = 0; i < this.ts.length; i++) if ((this.ts[i] as number) >= from - 1500 && (this.ts[i] as number) <= to + 1500) out.push(this.at(i));
      return out;
    }
    for (let i = timesLowerBound(this.ts, from - 1500), end = timesUpperBound(this.ts, to + 1500); i < end; i++) out.push(this.at(i));
    return out;
  }

  private indexOf(t: RunLoadTick): number {
    if (this.unordered) {
      for (let i = 0; i < this.ts.length; i++) if (this.ts[i] === t.ts && this.run[i] === t.run_id) return i;
      return -1;
    }
    for (let i = timesLowerBound(this.ts, t.ts); i < this.ts.length && this.ts[i] === t.ts; i++) if (this.run[i] === t.run_id) return i;
    return -1;
  }

  /**
   * The run id as a string already held, where a recent load has it: each message read makes its
   * own copy of every string, and an hour of a shared host's loads held one per load (116,000 in
   * the analyzer benchmark) where a few runs share the host.
   */
  private held(id: string): string {
    for (let i = this.run.length - 1, end = Math.max(0, this.run.length - LOOK_BACK); i >= end; i--) if (this.run[i] === id) return this.run[i] as string;
    return id;
  }

  /** Drops what came before `keepFrom` from the front (as HostState's series: arrival order). */
  private trim(keepFrom: number): void {
    let n = 0;
    while (n < this.ts.length && (this.ts[n] as number) < keepFrom) n++;
    if (n === 0) return;
    this.ts.splice(0, n);
    this.run.splice(0, n);
    this.cpu.splice(0, n);
  }
}
