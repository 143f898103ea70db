import type { Row } from '@runlens/schemas';
import type { Newcomers, RankTick, RunTick } from '../window/run-window.ts';
import { type ProcessCols, allRows, colsOfRows, orElse } from './process-cols.ts';

type ProcessRow = Row<'process_samples'>;

/**
 * A process pegs its threads when on-CPU plus waiting-for-CPU nearly fills min(threads, cores).
 * Threads means busy threads where the collector counted them: idle helper threads (an MPI
 * rank's progress threads, a runtime's signal thread) can take no CPU and must not count.
 */
export const PEGGED_SHARE = 0.85;

/**
 * A process whose interval is under this share of its tick's started during the tick (its first
 * reading was seeded at its start): the tick is the longest interval of the group. Such processes
 * place an onset inside the tick (RunTick.newcomers; fast-onset.ts, sub-tick onset).
 */
export const NEWCOMER_SHARE = 0.9;

/** One tick of the given rows (see aggregateCols). */
export function aggregateTick(ts: number, rows: readonly ProcessRow[], allocCores: number): RunTick {
  return aggregateCols(ts, colsOfRows(rows), allRows(rows.length), allocCores);
}

/**
 * One tick of a group of processes (a run on a host, a rank, or the host's background): the
 * rows `idx` of `c`. Amounts over the tick interval, not sums of rates: a process born mid-tick
 * has a short interval_s and counts only for the part of the tick it lived.
 */
export function aggregateCols(ts: number, c: ProcessCols, idx: readonly number[], allocCores: number): RunTick {
  let tick = 1e-3;
  for (const i of idx) tick = Math.max(tick, c.interval_s[i] ?? NaN);
  let cpu = 0; let user = 0; let sys = 0; let pegged = 0; let delay = 0; let rss = 0; let storage = 0; let write = 0;
  let sysBytes = 0; let calls = 0; let invol = 0; let majflt = 0; let d = 0; let stopped = 0; let threads = 0; let newest = 0; let newCpu = 0;
  for (const i of idx) {
    const w = (c.interval_s[i] ?? NaN) / tick;
    const u = c.cpu_user_cores[i] ?? NaN;
    const s = c.cpu_sys_cores[i] ?? NaN;
    const th = c.threads[i] ?? NaN;
    const runDelay = c.run_delay_cores[i] ?? NaN;
    const cores = u + s;
    if (w < NEWCOMER_SHARE) {
      newest = Math.max(newest, w);
      newCpu += cores * w;
    }
    cpu += cores * w;
    user += u * w;
    sys += s * w;
    if (cores + runDelay >= PEGGED_SHARE * Math.min(Math.max(1, orElse(c.busy_threads[i] ?? NaN, th)), th, allocCores)) pegged += cores * w;
    delay += runDelay * w;
    rss += c.rss_bytes[i] ?? NaN;
    const wr = orElse(c.write_bytes_per_s[i] ?? NaN, 0);
    storage += (orElse(c.read_bytes_per_s[i] ?? NaN, 0) + wr) * w;
    write += wr * w;
    sysBytes += (orElse(c.rchar_per_s[i] ?? NaN, 0) + orElse(c.wchar_per_s[i] ?? NaN, 0)) * w;
    calls += (orElse(c.syscr_per_s[i] ?? NaN, 0) + orElse(c.syscw_per_s[i] ?? NaN, 0)) * w;
    invol += (c.invol_ctxsw_per_s[i] ?? NaN) * w;
    majflt += orElse(c.majflt_per_s[i] ?? NaN, 0) * w;
    const state = c.state[i];
    if (state === 'D') d++;
    if (state === 'T' || state === 't') stopped++;
    threads += th;
  }
  const t: RunTick = {
    ts, cpu_cores: cpu, user_cores: user, sys_cores: sys, pegged_cpu_cores: pegged, run_delay_cores: delay, rss_bytes: rss,
    storage_bytes_per_s: storage, write_bytes_per_s: write, syscall_bytes_per_s: sysBytes, syscalls_per_s: calls,
    invol_ctxsw_per_s: invol, majflt_per_s: majflt, procs: idx.length, d_state_procs: d, stopped_procs: stopped, threads,
  };
  // Only where a process started mid-tick: most ticks keep the one shape.
  if (newest > 0 && Number.isFinite(newCpu)) (t as { newcomers?: Newcomers }).newcomers = { cores: newCpu, share: newest };
  return t;
}

/** A rank's tick of the rows `idx` of `c`: its user CPU over the tick, as aggregateCols adds it (the same value to the bit). */
export function rankTick(ts: number, c: ProcessCols, idx: readonly number[]): RankTick {
  let tick = 1e-3;
  for (const i of idx) tick = Math.max(tick, c.interval_s[i] ?? NaN);
  let user = 0;
  for (const i of idx) user += (c.cpu_user_cores[i] ?? NaN) * ((c.interval_s[i] ?? NaN) / tick);
  return { ts, user_cores: user };
}

/** A bucket of a rank's ticks (tick-series.ts): the mean user CPU, weighted as meanTicks weighs it. */
export function meanRankTicks(ts: number, ticks: readonly RankTick[], weights: readonly number[]): RankTick {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < ticks.length; i++) {
    const w = weights[i] ?? 1;
    total += w;
    sum += (ticks[i] as RankTick).user_cores * w;
  }
  return { ts, user_cores: sum / total };
}

/**
 * Sums ticks of several hosts or ranks that fall in the same second (to the nearest one), each
 * second's ticks added in the series' order. Series in time order (a window's always are) are
 * merged by walking them side by side; others are grouped by second and sorted. `ordered`: the
 * caller knows them in time order (TickSeries slices, which refuse a tick without a time), so the
 * walk over every tick that checks it is skipped (it was 4% of the CPU for runs across 4 hosts).
 */
export function mergeBySecond(series: readonly (readonly RunTick[])[], ordered = false): RunTick[] {
  if (!ordered && !series.every(bySecondInOrder)) return mergeAnyOrder(series);
  const at = series.map(() => 0);
  const out: RunTick[] = [];
  const group: RunTick[] = [];
  for (;;) {
    let k = Infinity;
    for (let i = 0; i < series.length; i++) k = Math.min(k, secondOf((series[i] as readonly RunTick[])[at[i] as number]));
    if (k === Infinity) return out;
    group.length = 0;
    for (let i = 0; i < series.length; i++) {
      const s = series[i] as readonly RunTick[];
      let j = at[i] as number;
      while (secondOf(s[j]) === k) group.push(s[j++] as RunTick);
      at[i] = j;
    }
    out.push(sumTicks(k * 1000, group));
  }
}

/** The second a tick falls in (Infinity past a series' end, NaN for a time that is not one). */
const secondOf = (t: RunTick | undefined): number => (t ? Math.round(t.ts / 1000) : Infinity);

function bySecondInOrder(s: readonly RunTick[]): boolean {
  for (let i = 0; i < s.length; i++) {
    const k = secondOf(s[i]);
    if (Number.isNaN(k) || (i > 0 && k < secondOf(s[i - 1]))) return false;
  }
  return true;
}

function mergeAnyOrder(series: readonly (readonly RunTick[])[]): RunTick[] {
  const buckets = new Map<number, RunTick[]>();
  for (const s of series) for (const t of s) {
    const k = Math.round(t.ts / 1000);
    const list = buckets.get(k);
    if (list) list.push(t);
    else buckets.set(k, [t]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([k, ts]) => sumTicks(k * 1000, ts));
}

/** The ticks' fields summed, in the ticks' order (a loop per field would read each tick 16 times). */
function sumTicks(ts: number, ticks: readonly RunTick[]): RunTick {
  let cpu = 0; let user = 0; let sys = 0; let pegged = 0; let delay = 0; let rss = 0; let storage = 0; let write = 0;
  let sysBytes = 0; let calls = 0; let invol = 0; let majflt = 0; let procs = 0; let d = 0; let stopped = 0; let threads = 0;
  for (const t of ticks) {
    cpu += t.cpu_cores; user += t.user_cores; sys += t.sys_cores; pegged += t.pegged_cpu_cores; delay += t.run_delay_cores; rss += t.rss_bytes;
    storage += t.storage_bytes_per_s; write += t.write_bytes_per_s; sysBytes += t.syscall_bytes_per_s; calls += t.syscalls_per_s;
    invol += t.invol_ctxsw_per_s; majflt += t.majflt_per_s; procs += t.procs; d += t.d_state_procs; stopped += t.stopped_procs; threads += t.threads;
  }
  return {
    ts, cpu_cores: cpu, user_cores: user, sys_cores: sys, pegged_cpu_cores: pegged, run_delay_cores: delay, rss_bytes: rss,
    storage_bytes_per_s: storage, write_bytes_per_s: write, syscall_bytes_per_s: sysBytes, syscalls_per_s: calls,
    invol_ctxsw_per_s: invol, majflt_per_s: majflt, procs, d_state_procs: d, stopped_procs: stopped, threads,
  };
}

/**
 * A bucket of one series' ticks as one tick at `ts` (tick-series.ts): each value's mean over the
 * ticks it stands for (`weights`: how many each already merges), so rates keep their average and
 * a whole run's amounts are unchanged; RSS its peak, so the run's peak memory is kept. Newcomers
 * are a tick's own: a bucket has none.
 */
export function meanTicks(ts: number, ticks: readonly RunTick[], weights: readonly number[]): RunTick {
  let total = 0;
  for (let i = 0; i < ticks.length; i++) total += weights[i] ?? 1;
  const mean = (f: (t: RunTick) => number): number => {
    let s = 0;
    for (let i = 0; i < ticks.length; i++) s += f(ticks[i] as RunTick) * (weights[i] ?? 1);
    return s / total;
  };
  return {
    ts, cpu_cores: mean((t) => t.cpu_cores), user_cores: mean((t) => t.user_cores), sys_cores: mean((t) => t.sys_cores),
    pegged_cpu_cores: mean((t) => t.pegged_cpu_cores), run_delay_cores: mean((t) => t.run_delay_cores), rss_bytes: Math.max(...ticks.map((t) => t.rss_bytes)),
    storage_bytes_per_s: mean((t) => t.storage_bytes_per_s), write_bytes_per_s: mean((t) => t.write_bytes_per_s),
    syscall_bytes_per_s: mean((t) => t.syscall_bytes_per_s), syscalls_per_s: mean((t) => t.syscalls_per_s),
    invol_ctxsw_per_s: mean((t) => t.invol_ctxsw_per_s), majflt_per_s: mean((t) => t.majflt_per_s), procs: mean((t) => t.procs), d_state_procs: mean((t) => t.d_state_procs),
    stopped_procs: mean((t) => t.stopped_procs), threads: mean((t) => t.threads),
  };
}
