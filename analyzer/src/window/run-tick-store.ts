import type { Newcomers, RunTick } from './run-window.ts';
import type { TickStore } from './tick-store.ts';

/** A RunTick's values besides its time, in the order the store lays them out (valuesOf; aggregateCols writes them in it too). */
const FIELDS = 16;

/**
 * A host's ticks of a run kept as one array of doubles, a tick's values side by side, and made
 * into RunTick objects only when a window reads them. As objects (one, and a box per double) a
 * run's 10 minutes per host were over 600 × 17 heap objects that lived into the old generation:
 * every major collection walked them, and every live window read them scattered over the heap,
 * each tick a handful of cache misses. A window's ticks are now made fresh, side by side.
 */
export class RunTickStore implements TickStore<RunTick> {
  private ts: number[] = [];
  private values: number[] = [];
  /** A tick's processes that started during it, where any did (sparse). */
  private newcomers: (Newcomers | undefined)[] = [];

  get length(): number {
    return this.ts.length;
  }

  tsAt(i: number): number {
    return this.ts[i] as number;
  }

  push(t: RunTick): void {
    this.ts.push(t.ts);
    this.values.push(...valuesOf(t));
    this.newcomers.push(t.newcomers);
  }

  put(i: number, t: RunTick): void {
    this.values.splice(i * FIELDS, FIELDS, ...valuesOf(t));
    this.newcomers[i] = t.newcomers;
  }

  insert(i: number, t: RunTick): void {
    this.ts.splice(i, 0, t.ts);
    this.values.splice(i * FIELDS, 0, ...valuesOf(t));
    this.newcomers.splice(i, 0, t.newcomers);
  }

  slice(from: number): RunTick[] {
    const out = new Array<RunTick>(Math.max(0, this.ts.length - from));
    for (let i = from; i < this.ts.length; i++) out[i - from] = this.at(i);
    return out;
  }

  shift(n: number): RunTick[] {
    const out = new Array<RunTick>(Math.min(n, this.ts.length));
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    this.ts.splice(0, n);
    this.values.splice(0, n * FIELDS);
    this.newcomers.splice(0, n);
    return out;
  }

  sumFrom(): null {
    return null;
  }

  /** The tick at `i`, in aggregateCols' shape (the same fields in the same order: one hidden class for every reader). */
  private at(i: number): RunTick {
    const v = this.values;
    const o = i * FIELDS;
    const t: RunTick = {
      ts: this.ts[i] as number, cpu_cores: v[o] as number, user_cores: v[o + 1] as number, sys_cores: v[o + 2] as number, pegged_cpu_cores: v[o + 3] as number,
      run_delay_cores: v[o + 4] as number, rss_bytes: v[o + 5] as number, storage_bytes_per_s: v[o + 6] as number, write_bytes_per_s: v[o + 7] as number,
      syscall_bytes_per_s: v[o + 8] as number, syscalls_per_s: v[o + 9] as number, invol_ctxsw_per_s: v[o + 10] as number, majflt_per_s: v[o + 11] as number,
      procs: v[o + 12] as number, d_state_procs: v[o + 13] as number, stopped_procs: v[o + 14] as number, threads: v[o + 15] as number,
    };
    const n = this.newcomers[i];
    if (n !== undefined) (t as { newcomers?: Newcomers }).newcomers = n;
    return t;
  }
}

const valuesOf = (t: RunTick): number[] => [
  t.cpu_cores, t.user_cores, t.sys_cores, t.pegged_cpu_cores, t.run_delay_cores, t.rss_bytes, t.storage_bytes_per_s, t.write_bytes_per_s,
  t.syscall_bytes_per_s, t.syscalls_per_s, t.invol_ctxsw_per_s, t.majflt_per_s, t.procs, t.d_state_procs, t.stopped_procs, t.threads,
];
