import { type FindingDraft, defineDetector, round, runFinding } from '../detector.ts';
import type { RunTick, RunWindow } from '../../window/run-window.ts';
import { HELD, HELD_BY, type HeldBy, holds } from './held.ts';
import { hungTasks } from './hung-task.ts';

export const IDLE_CPU_CORES = 0.02;
export const IDLE_BYTES_PER_S = 64 * 1024;
export const MIN_IDLE_S = 10;
/** A stopped process (state T or t) seen on this many ticks, the run otherwise idle: no progress is possible. */
export const STOPPED_MIN_TICKS = 2;
/** A process in uninterruptible sleep (D) with the run otherwise idle for this long is stuck, not just doing IO. */
export const MIN_D_STUCK_S = 5;
/** Memory that keeps changing is progress too (an allocator-bound phase uses little CPU). */
export const IDLE_RSS_BYTES_PER_S = 1024 * 1024;
/**
 * A run's start-up (the wrapper shell, then the command's exec and dynamic loader) shows in its
 * first samples as a clock tick of CPU or a step of RSS. Idleness to the last sample is the whole
 * run when everything before it is start-up: under this much CPU in all and no storage IO. Measured
 * with `runlens run -- sleep 12`: the shell alone in the first sample (1.6 MB), the shell and `sleep`
 * in the second (3.2 MB, a 1.6 MB/s step), idle from the third; at load 20, from the fourth.
 */
export const STARTUP_CPU_S = 0.1;

/** Before tick `a`, the run only started: a little CPU, no storage traffic. */
function onlyStartedBefore(ticks: readonly RunTick[], a: number): boolean {
  let cpuS = 0;
  for (let i = 0; i < a; i++) {
    const t = ticks[i] as RunTick;
    const prev = ticks[i - 1];
    cpuS += t.cpu_cores * (prev ? (t.ts - prev.ts) / 1000 : 1);
    if (t.storage_bytes_per_s >= IDLE_BYTES_PER_S) return false;
  }
  return cpuS < STARTUP_CPU_S;
}

function isIdle(t: RunTick, prev: RunTick | undefined): boolean {
  const rssRate = prev ? Math.abs(t.rss_bytes - prev.rss_bytes) / Math.max(1e-3, (t.ts - prev.ts) / 1000) : 0;
  return t.cpu_cores < IDLE_CPU_CORES && t.storage_bytes_per_s < IDLE_BYTES_PER_S && t.syscall_bytes_per_s < IDLE_BYTES_PER_S
    && rssRate < IDLE_RSS_BYTES_PER_S;
}

/** Maximal stretches of consecutive ticks that satisfy `ok`, as [first, last] indices. */
function stretches(ticks: readonly RunTick[], ok: (t: RunTick, i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let open = false;
  ticks.forEach((t, i) => {
    if (!ok(t, i)) open = false;
    else if (open) (out[out.length - 1] as [number, number])[1] = i;
    else {
      out.push([i, i]);
      open = true;
    }
  });
  return out;
}

interface Stretch { readonly begin: number; readonly end: number; readonly seconds: number; readonly whole: boolean; readonly held: HeldBy | null }

/**
 * An idle stretch that counts: a process stopped (T) on two ticks, one stuck in D for
 * MIN_D_STUCK_S, or nothing at all for MIN_IDLE_S. The stop or the D wait is itself the evidence,
 * so those need no long wait; the tick where the stop happened (still busy before it) counts too.
 */
function qualify(ticks: readonly RunTick[], [a, b]: [number, number], held: HeldBy | null): Stretch | null {
  const first = ticks[a];
  const last = ticks[b];
  if (!first || !last) return null;
  const before = ticks[a - 1];
  // The tick before the stretch ends where idleness began.
  const begin = before?.ts ?? first.ts;
  const seconds = (last.ts - begin) / 1000;
  const whole = b === ticks.length - 1 && onlyStartedBefore(ticks, a);
  const stoppedTicks = b - a + 1 + (before && before.stopped_procs > 0 ? 1 : 0);
  const enough = held === 'T' ? stoppedTicks >= STOPPED_MIN_TICKS : held === 'D' ? seconds >= MIN_D_STUCK_S : seconds >= MIN_IDLE_S;
  return enough ? { begin, end: last.ts, seconds, whole, held } : null;
}

/** Every stretch that counts: plain idle ones, and those held by a stopped or a D-state process. */
function idleStretches(ticks: readonly RunTick[]): Stretch[] {
  const idle = (t: RunTick, i: number): boolean => isIdle(t, ticks[i - 1]);
  const kinds: [HeldBy | null, (t: RunTick, i: number) => boolean][] = [
    [null, idle], ...HELD_BY.map((h): [HeldBy, (t: RunTick, i: number) => boolean] => [h, (t, i) => idle(t, i) && holds(t, h)]),
  ];
  return kinds.flatMap(([held, ok]) => stretches(ticks, ok).map((s) => qualify(ticks, s, held))).filter((s): s is Stretch => s !== null);
}

/** No progress: no CPU, no storage and no syscall IO for a sustained window (hung, or waiting). */
export const idle = defineDetector({
  id: 'idle',
  description: 'No CPU, IO or network progress for a sustained window; or a task of the run the kernel reports hung (blocked in D).',
  // The detector's own minimum (MIN_IDLE_S, STOPPED_MIN_TICKS, MIN_D_STUCK_S) is the duration: raised at its first firing.
  hysteresis: { minTicks: 1, clearTicks: 10 },
  evaluate(w) {
    return [...sampledIdle(w), ...hungTasks(w.hosts ?? [])];
  },
});

/** The run-level finding from its samples: the longest idle stretch that counts. */
function sampledIdle(w: RunWindow): FindingDraft[] {
  // Every stretch that counts is made of idle ticks: a window without one (a working run, at every tick) needs no stretches.
  if (!w.ticks.some((t, i) => isIdle(t, w.ticks[i - 1]))) return [];
  // The longest stretch that counts; of equal ones the held one, which says why.
  const s = idleStretches(w.ticks).sort((x, y) => y.seconds - x.seconds || Number(y.held !== null) - Number(x.held !== null))[0];
  if (!s) return [];
  const { seconds, whole } = s;
  const base = { idle_s: round(seconds, 1), cpu_cores_threshold: IDLE_CPU_CORES, bytes_per_s_threshold: IDLE_BYTES_PER_S, min_idle_s: MIN_IDLE_S };
  return [runFinding('idle', w, { start: s.begin, end: s.end }, {
    severity: whole || seconds >= 60 ? 'warning' : 'info',
    confidence: s.held ? 0.9 : round(Math.min(1, 0.6 + seconds / 100)),
    message: `${s.held ? HELD[s.held].message : 'Idle'} for ${Math.round(seconds)} s: no CPU, storage or syscall IO${whole ? ' during the whole run' : ''}`,
    advice: s.held ? HELD[s.held].advice : 'The run made no progress: check for a hang or a wait on another job, lock or network peer (py-spy dump / gdb -p / cat /proc/PID/stack on the stuck processes).',
    evidence: s.held ? { ...base, process_state: s.held, ...HELD[s.held].evidence } : base,
  })];
}
