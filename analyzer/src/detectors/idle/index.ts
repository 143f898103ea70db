import { defineDetector, round, runFinding } from '../detector.ts';
import type { RunTick } from '../../window/run-window.ts';

export const IDLE_CPU_CORES = 0.02;
export const IDLE_BYTES_PER_S = 64 * 1024;
export const MIN_IDLE_S = 10;
/** Memory that keeps changing is progress too (an allocator-bound phase uses little CPU). */
export const IDLE_RSS_BYTES_PER_S = 1024 * 1024;

function isIdle(t: RunTick, prev: RunTick | undefined): boolean {
  const rssRate = prev ? Math.abs(t.rss_bytes - prev.rss_bytes) / Math.max(1e-3, (t.ts - prev.ts) / 1000) : 0;
  return t.cpu_cores < IDLE_CPU_CORES && t.storage_bytes_per_s < IDLE_BYTES_PER_S && t.syscall_bytes_per_s < IDLE_BYTES_PER_S
    && rssRate < IDLE_RSS_BYTES_PER_S;
}

/** Longest stretch of consecutive idle ticks, as [first, last] indices. */
function longestIdle(ticks: readonly RunTick[]): [number, number] | null {
  let best: [number, number] | null = null;
  let start = -1;
  ticks.forEach((t, i) => {
    if (!isIdle(t, ticks[i - 1])) {
      start = -1;
      return;
    }
    if (start < 0) start = i;
    if (!best || i - start > best[1] - best[0]) best = [start, i];
  });
  return best;
}

/** No progress: no CPU, no storage and no syscall IO for a sustained window (hung, or waiting). */
export const idle = defineDetector({
  id: 'idle',
  description: 'No CPU, IO or network progress for a sustained window.',
  evaluate(w) {
    const span = longestIdle(w.ticks);
    if (!span) return [];
    const first = w.ticks[span[0]];
    const last = w.ticks[span[1]];
    if (!first || !last) return [];
    // The tick before the stretch ends where idleness began.
    const begin = w.ticks[span[0] - 1]?.ts ?? first.ts;
    const seconds = (last.ts - begin) / 1000;
    if (seconds < MIN_IDLE_S) return [];
    const whole = span[0] === 0 && span[1] === w.ticks.length - 1;
    return [runFinding('idle', w, { start: begin, end: last.ts }, {
      severity: whole || seconds >= 60 ? 'warning' : 'info',
      confidence: round(Math.min(1, 0.6 + seconds / 100)),
      message: `Idle for ${Math.round(seconds)} s: no CPU, storage or syscall IO${whole ? ' during the whole run' : ''}`,
      advice: 'The run made no progress: check for a hang or a wait on another job, lock or network peer (py-spy dump / gdb -p / cat /proc/PID/stack on the stuck processes).',
      evidence: { idle_s: round(seconds, 1), cpu_cores_threshold: IDLE_CPU_CORES, bytes_per_s_threshold: IDLE_BYTES_PER_S, min_idle_s: MIN_IDLE_S },
    })];
  },
});
