/**
 * What a long run costs the analyzer to hold and to judge at its end: one run of 8 ranks on one
 * host (the analyzer benchmark's shape), fed one tick a second for 0.5 to 24 hours into RunState.
 * Measured side by side in one process:
 * - RunState, whose history older than 10 minutes is merged into at most 1,200 buckets
 *   (tick-series.ts): heap per run (the heap before less after letting runs go), the CPU of
 *   building its whole-run window, and of every detector over it (the final evaluation);
 * - every tick kept, as the state held them before: the same tick objects in plain arrays, and
 *   the detectors over a window made of them.
 * CPU figures are medians of five (one is a few ms, which a GC pause can double).
 *   node --expose-gc --import ./node_modules/tsx/dist/loader.mjs benchmarks/analyzer/long-run.ts
 * Env: BENCH_HOURS (0.5,2,8,24), BENCH_LONG_RUNS (2: runs let go to measure the heap one holds).
 */
import { DETECTORS } from '@runlens/analyzer/detectors/registry';
import { RunState } from '@runlens/analyzer/state/run-state';
import type { RankTick, RunTick, RunWindow } from '@runlens/analyzer/window/run-window';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const T = Date.UTC(2026, 11, 1);
const RANKS = 8;

/** A rank's tick: a third of the ranks light (load_imbalance fires), RSS creeping, as in run.ts. */
function tick(ts: number, rank: number): RunTick {
  const busy = rank % 3 !== 0;
  const cores = busy ? 0.95 + ((ts / 1000) % 7) * 0.005 : 0.1;
  return {
    ts, cpu_cores: cores + 0.02, user_cores: cores, sys_cores: 0.02, pegged_cpu_cores: busy ? cores : 0, run_delay_cores: 0.01,
    rss_bytes: 2e8 + (ts - T) / 100, storage_bytes_per_s: 0, write_bytes_per_s: 1e5, syscall_bytes_per_s: 2e5, syscalls_per_s: 20,
    invol_ctxsw_per_s: 1, majflt_per_s: 0, procs: 1, d_state_procs: 0, stopped_procs: 0, threads: 1,
  };
}

function hostTick(ts: number): RunTick {
  const ranks = Array.from({ length: RANKS }, (_, r) => tick(ts, r));
  const sum = (f: (t: RunTick) => number): number => ranks.reduce((a, t) => a + f(t), 0);
  return { ...tick(ts, 1), cpu_cores: sum((t) => t.cpu_cores), user_cores: sum((t) => t.user_cores), rss_bytes: sum((t) => t.rss_bytes), procs: RANKS, threads: RANKS };
}

interface Kept { host: RunTick[]; ranks: RankTick[][] }

/** What the state keeps of a rank's tick (run-window.ts RankTick). */
const rankTick = (ts: number, rank: number): RankTick => ({ ts, user_cores: tick(ts, rank).user_cores });

function feed(seconds: number, into: RunState | Kept): void {
  for (let i = 0; i < seconds; i++) {
    const ts = T + i * 1000;
    if (into instanceof RunState) {
      into.addHostTick('h1', hostTick(ts));
      for (let r = 0; r < RANKS; r++) into.addRankTick(r, 'h1', rankTick(ts, r));
    } else {
      into.host.push(hostTick(ts));
      for (let r = 0; r < RANKS; r++) (into.ranks[r] ??= []).push(rankTick(ts, r));
    }
  }
}

function usedHeap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/** Heap each value `make` returns holds: n + 1 made, n let go, the heap before less after (garbage made earlier does not count). */
function heapMiB<V>(make: () => V, n: number): { first: V; mib: number } {
  const values = Array.from({ length: n + 1 }, make);
  const first = values[0] as V;
  const before = usedHeap();
  values.length = 1;
  return { first, mib: (before - usedHeap()) / n / 1048576 };
}

/** CPU ms of `work`, the median of five calls (one is a few ms, which a GC pause can double), and what its last call gave. */
function medianMs<V>(work: () => V): { ms: number; value: V } {
  const times: number[] = [];
  let value: V | undefined;
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    value = work();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  return { ms: times.sort((a, b) => a - b)[2] ?? NaN, value: value as V };
}

const judge = (w: RunWindow): { ms: number; value: string[] } => medianMs(() => DETECTORS.flatMap((d) => d.evaluate(w)).map((f) => f.kind).sort());

/** The whole-run window over every tick kept: RunState's window with its series swapped for the raw ones. */
function rawWindow(state: RunState, kept: Kept): RunWindow {
  const w = state.window(new Map());
  return { ...w, ticks: kept.host, hosts: (w.hosts ?? []).map((h) => ({ ...h, ticks: kept.host })), ranks: kept.ranks.map((ticks, rank) => ({ rank, host: 'h1', ticks })) };
}

function measure(hours: number, runs: number): Record<string, number | string> {
  const seconds = Math.round(hours * 3600);
  const bounded = heapMiB(() => { const s = new RunState(`r${hours}`); feed(seconds, s); return s; }, runs);
  const everyTick = heapMiB(() => { const k: Kept = { host: [], ranks: [] }; feed(seconds, k); return k; }, runs);
  const state = bounded.first;
  const { ms: buildMs, value: window } = medianMs(() => state.window(new Map()));
  const judged = judge(window);
  const raw = judge(rawWindow(state, everyTick.first));
  return {
    hours, ranks: RANKS, ticks_per_rank: seconds, window_ticks: window.ticks.length,
    heap_mib_per_run: bounded.mib, heap_mib_per_run_every_tick: everyTick.mib,
    window_ms: buildMs, detectors_ms: judged.ms, detectors_ms_every_tick: raw.ms, findings: judged.value.join(','), findings_every_tick: raw.value.join(','),
  };
}

const hours = (process.env.BENCH_HOURS ?? '0.5,2,8,24').split(',').map(Number);
const runs = Number(process.env.BENCH_LONG_RUNS ?? '2');
// The detectors compiled first, so the first run length does not pay for it.
measure(0.2, 1);
const results = hours.map((h) => {
  process.stderr.write(`a run of ${h} h ...\n`);
  return measure(h, runs);
});
const f = (x: unknown): string => Number(x).toFixed(1);
process.stdout.write(['| run length | ticks in the final window | heap MiB / run: bounded | every tick kept | detectors over the whole run, ms: bounded | every tick | the bounded window built, ms | findings (bounded; every tick) |', '|---:|---:|---:|---:|---:|---:|---:|---|',
  ...results.map((r) => `| ${r.hours} h | ${r.window_ticks} | ${f(r.heap_mib_per_run)} | ${f(r.heap_mib_per_run_every_tick)} | ${f(r.detectors_ms)} | ${f(r.detectors_ms_every_tick)} | ${f(r.window_ms)} | ${r.findings}; ${r.findings_every_tick} |`)].join('\n') + '\n');
writeFileSync(join(import.meta.dirname, 'long-run.json'), JSON.stringify(results, null, 2));
