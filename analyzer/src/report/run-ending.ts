import type { Finding, RunEnding } from '@runlens/schemas';

/** Linux signal numbers (asm-generic/signal.h, x86 and arm64 alike) for an exit code of 128+N. */
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL',
  10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ',
};

/** The signal behind a shell-style exit code (128+N), or null for an ordinary exit. */
export function signalOfExit(code: number | null): string | null {
  if (code === null || code <= 128 || code > 128 + 64) return null;
  return SIGNALS[code - 128] ?? `signal ${code - 128}`;
}

function tag(tags: readonly string[], key: string): string | null {
  const t = tags.find((x) => x.startsWith(`${key}=`));
  return t === undefined ? null : t.slice(key.length + 1);
}

interface EndedRun { readonly status: string; readonly exit_code: number | null; readonly tags: readonly string[] }

/**
 * How a run ended, from what recorded it: the scheduler's word (TIMEOUT, OUT_OF_MEMORY), the
 * kernel's (an oom_killed finding: the OOM kill of one of its processes), the memory cgroup's
 * oom_kill counter (`memcg_oom_kills` tag, runlens run), then the exit code and its signal.
 * An OOM kill the command survived (exit 0) is a finding, not the way the run ended.
 */
export function runEnding(run: EndedRun, findings: readonly Finding[]): RunEnding {
  const code = run.exit_code;
  const signal = signalOfExit(code);
  const base = { exit_code: code, signal };
  if (run.status === 'running') return { ...base, how: 'running', detail: 'still running', source: 'status' };
  if (run.status === 'lost') return { ...base, how: 'lost', detail: 'nobody saw it end (its monitor or root process went away)', source: 'status' };
  const state = tag(run.tags, 'slurm_state');
  if (state === 'TIMEOUT') return { ...base, how: 'time_limit', detail: `killed at its time limit${limitText(run.tags)} (Slurm TIMEOUT)`, source: 'slurm_state' };
  const oom = findings.find((f) => f.kind === 'oom_killed' && f.after_end !== 1);
  const failed = code === null || code !== 0;
  if (oom && failed) return { ...base, how: 'oom_killed', detail: `OOM-killed: ${oom.message.replace(/^Out of memory: /, '')}`, source: 'kernel_event' };
  if (state === 'OUT_OF_MEMORY') return { ...base, how: 'oom_killed', detail: 'OOM-killed (Slurm OUT_OF_MEMORY)', source: 'slurm_state' };
  const memcgKills = Number(tag(run.tags, 'memcg_oom_kills') ?? 0);
  if (memcgKills > 0 && failed) {
    return { ...base, how: 'oom_killed', detail: `OOM-killed: its memory cgroup counted ${memcgKills} OOM kill(s)`, source: 'memcg_oom_kill_counter' };
  }
  if (signal !== null) return { ...base, how: 'signal', detail: `killed by ${signal} (exit ${code})`, source: 'exit_code' };
  if (code === 0) return { ...base, how: 'exited', detail: 'exited 0', source: 'exit_code' };
  return { ...base, how: 'failed', detail: code === null ? `ended ${state ?? run.status} without an exit code` : `exited ${code}`, source: code === null ? 'status' : 'exit_code' };
}

function limitText(tags: readonly string[]): string {
  const s = Number(tag(tags, 'time_limit_s') ?? NaN);
  return Number.isFinite(s) && s > 0 ? ` of ${Math.round(s / 60)} min` : '';
}
