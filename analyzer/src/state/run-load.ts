import { type Row, SELF_RUN_ID, groupBy } from '@runlens/schemas';
import { type LoadCols, allRows } from './process-cols.ts';
import type { BackgroundTick } from '../window/run-window.ts';
import type { RunOutsideMemo } from './outside-memo.ts';

type ProcessRow = Row<'process_samples'>;

/**
 * Header of a message that carries the runs' load on a host, not process rows: one
 * process_samples row per (host, tick, run), pid 0, with the run's summed CPU. The router copies it
 * into the partition of each run on the host (none where the host has one run).
 */
export const RUN_LOAD_HEADER = 'run_load';

/** CPU one run used on one host at one tick: for every other run on the host, outside load. */
export interface RunLoadTick {
  readonly ts: number;
  readonly run_id: string;
  readonly cpu_cores: number;
}

/**
 * Each run's load per host and tick, as rows a message can carry: a run's process rows go only
 * to the replica that owns the run, but every run on the host must see its neighbours' CPU as
 * outside load (whose load slowed whom). One row per run, so the copies grow by runs, not by
 * processes.
 */
export function runLoadRows(c: LoadCols): ProcessRow[] {
  const ran = allRows(c.n).filter((i) => c.run_id[i] !== '' && c.run_id[i] !== SELF_RUN_ID);
  // An agent's message is one host's one tick: its runs are then told apart by run_id alone, without a key string per row.
  const oneTick = ran.every((i) => c.host[i] === c.host[ran[0] ?? 0] && Object.is(c.ts[i], c.ts[ran[0] ?? 0]));
  const out: ProcessRow[] = [];
  for (const group of groupBy(ran, oneTick ? (i) => c.run_id[i] ?? '' : (i) => `${c.host[i]}|${c.ts[i]}|${c.run_id[i]}`).values()) {
    const first = group[0] ?? 0;
    let user = 0; let sys = 0; let delay = 0;
    for (const i of group) {
      user += c.cpu_user_cores[i] ?? NaN;
      sys += c.cpu_sys_cores[i] ?? NaN;
      delay += c.run_delay_cores[i] ?? NaN;
    }
    out.push(loadRow(c.ts[first] ?? NaN, c.host[first] ?? '', c.run_id[first] ?? '', c.interval_s[first] ?? NaN, user, sys, delay));
  }
  return out;
}

/** A run-load row: a process_samples row of pid 0 whose CPU is the run's on the host at the tick; what no reader uses stays 0 or null. */
function loadRow(ts: number, host: string, runId: string, interval: number, user: number, sys: number, delay: number): ProcessRow {
  return {
    ts, host, run_id: runId, rank: null, local_rank: null, pid: 0, ppid: 0, start_ticks: 0, comm: '', state: '', interval_s: interval,
    cpu_user_cores: user, cpu_sys_cores: sys, run_delay_cores: delay, rss_bytes: 0, hwm_bytes: 0, vm_bytes: 0, threads: 0, busy_threads: null,
    read_bytes_per_s: null, write_bytes_per_s: null, rchar_per_s: null, wchar_per_s: null, syscr_per_s: null, syscw_per_s: null,
    vol_ctxsw_per_s: 0, invol_ctxsw_per_s: 0, minflt_per_s: 0, majflt_per_s: 0, last_cpu: 0,
  };
}

/**
 * Outside load as one run sees it: the host's processes outside any run plus every other run's
 * CPU, tick by tick. The busiest other run is named (`run <id>`) when it took more than the
 * processes outside any run.
 */
export function outsideOf(runId: string, background: readonly BackgroundTick[], loads: readonly RunLoadTick[]): BackgroundTick[] {
  // A window's series are in time order (HostState appends them so): one merge walk, no maps and no sort.
  if (!inOrder(background, true) || !inOrder(loads, false)) return outsideAnyOrder(runId, background, loads);
  const columns = { ts: loads.map((l) => l.ts), run: loads.map((l) => l.run_id), cpu: loads.map((l) => l.cpu_cores) };
  return mergeInOrder(runId, { background, bgTs: background.map((b) => b.ts), loads: columns });
}

/** outsideOf for series in any order (a late or replayed batch): by tick time, then sorted. */
export function outsideAnyOrder(runId: string, background: readonly BackgroundTick[], loads: readonly RunLoadTick[]): BackgroundTick[] {
  // Other runs per tick, in the order their loads came (each tick's sum adds them in that order).
  const others = new Map<number, { cores: number; top: RunLoadTick }>();
  for (const l of loads) {
    if (l.run_id === runId) continue;
    const o = others.get(l.ts);
    if (!o) others.set(l.ts, { cores: l.cpu_cores, top: l });
    else {
      o.cores += l.cpu_cores;
      if (l.cpu_cores > o.top.cpu_cores) o.top = l;
    }
  }
  if (others.size === 0) return [...background];
  const out = new Map<number, BackgroundTick>();
  for (const b of background) out.set(b.ts, b);
  for (const [ts, { cores, top }] of others) {
    const bg = out.get(ts);
    const bgCores = bg?.cpu_cores ?? 0;
    out.set(ts, {
      ts, cpu_cores: bgCores + cores, run_cores: cores, top_run: top.run_id,
      top_comm: top.cpu_cores > bgCores || !bg ? `run ${top.run_id}` : bg.top_comm,
      newcomers: bg?.newcomers,
    });
  }
  return [...out.values()].sort((a, b) => a.ts - b.ts);
}

/** Times in order (strictly: no time twice) and none NaN. */
function inOrder(s: readonly { readonly ts: number }[], strict: boolean): boolean {
  let prev = -Infinity;
  for (const { ts } of s) {
    if (Number.isNaN(ts) || ts < prev || (strict && ts === prev)) return false;
    prev = ts;
  }
  return true;
}

/** Run loads as columns (load-columns.ts): time, run and CPU side by side. */
export interface LoadSeries {
  readonly ts: readonly number[];
  readonly run: readonly string[];
  readonly cpu: readonly number[];
}

/**
 * A host's background and run loads in time order, the background's times side by side with it
 * in a dense array and the loads as columns: a walk over a window finds each tick by its time
 * without reading a tick object (old ones, scattered over the heap: reading each tick's time was
 * 3% of the analyzer's CPU).
 */
export interface OutsideSeries {
  readonly background: readonly BackgroundTick[];
  readonly bgTs: readonly number[];
  readonly loads: LoadSeries;
}

/** Index ranges [b0, b1) of the background and [l0, l1) of the loads: a window's part of a host's series, read in place. */
export interface OutsideRange {
  readonly b0: number;
  readonly b1: number;
  readonly l0: number;
  readonly l1: number;
}

/**
 * outsideOf for series in time order (background strictly), walked side by side: the same ticks,
 * values and names as the general way, each tick's other runs summed in the order they came.
 * With a memo, a tick worked out before is taken from it, not summed again.
 */
export function mergeInOrder(
  runId: string, s: OutsideSeries, r: OutsideRange = { b0: 0, b1: s.bgTs.length, l0: 0, l1: s.loads.ts.length }, memo?: RunOutsideMemo,
): BackgroundTick[] {
  const { background, bgTs, loads } = s;
  const loadTs = loads.ts;
  const out: BackgroundTick[] = [];
  let b = r.b0;
  /** The background at or after the current tick: moves only forward, as the ticks do. */
  let seek = r.b0;
  let any = false;
  for (let i = r.l0; i < r.l1;) {
    const ts = loadTs[i] as number;
    while (seek < r.b1 && (bgTs[seek] as number) < ts) seek++;
    const bg = seek < r.b1 && bgTs[seek] === ts ? background[seek] : undefined;
    // A tick worked out before is stepped over by its count of loads (unchanged while its version is).
    let o = memo?.get(ts);
    let j: number;
    if (o === undefined) {
      j = endOfTick(loadTs, i, r.l1, ts);
      o = othersAt(runId, ts, loads, i, j, bg);
      memo?.set(ts, o, j - i);
    } else j = Math.min(r.l1, i + Math.max(1, (memo as RunOutsideMemo).loadsAt(ts)));
    i = j;
    if (o === null) continue;
    any = true;
    while (b < r.b1 && (bgTs[b] as number) < ts) out.push(background[b++] as BackgroundTick);
    if (b < r.b1 && bgTs[b] === ts) b++;
    out.push(o);
  }
  if (!any) return background.slice(r.b0, r.b1);
  while (b < r.b1) out.push(background[b++] as BackgroundTick);
  return out;
}

/**
 * Index just past the loads of tick `ts` from `i` (which holds one), in load times in order: a
 * galloping search, since a shared host's tick holds a load per run on it and the memo needs only
 * where the tick ends.
 */
function endOfTick(loadTs: readonly number[], i: number, end: number, ts: number): number {
  let lo = i;
  let step = 1;
  while (i + step < end && loadTs[i + step] === ts) {
    lo = i + step;
    step *= 2;
  }
  let hi = Math.min(i + step, end);
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (loadTs[mid] === ts) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The outside tick at `ts` from the loads [i, j) of that tick and its background: null where no other run ran. */
function othersAt(runId: string, ts: number, loads: LoadSeries, i: number, j: number, bg: BackgroundTick | undefined): BackgroundTick | null {
  let cores = 0;
  let top = -1;
  for (let k = i; k < j; k++) {
    if (loads.run[k] === runId) continue;
    const c = loads.cpu[k] as number;
    if (top < 0) {
      cores = c;
      top = k;
    } else {
      cores += c;
      if (c > (loads.cpu[top] as number)) top = k;
    }
  }
  if (top < 0) return null;
  const bgCores = bg?.cpu_cores ?? 0;
  const topRun = loads.run[top] as string;
  return {
    ts, cpu_cores: bgCores + cores, run_cores: cores, top_run: topRun, top_comm: (loads.cpu[top] as number) > bgCores || !bg ? `run ${topRun}` : bg.top_comm,
    newcomers: bg?.newcomers,
  };
}
