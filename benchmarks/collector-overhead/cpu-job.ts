import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

export const STRESS_NG = '/usr/bin/stress-ng';

const live = new Set<ChildProcess>();

/** SIGKILLs the process group of every job still running; synchronous, for 'exit' handlers. */
export function killAllJobs(): void {
  for (const c of [...live]) {
    try {
      if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    live.delete(c);
  }
}

export function jobArgs(cpuOps: number, method: string): string[] {
  return ['--cpu', '2', '--cpu-ops', String(cpuOps), '--cpu-method', method, '--metrics-brief'];
}

/** `stress-ng: metrc: [pid] cpu  <bogo ops> <real s> <usr s> <sys s> ...` → usr + sys of both workers. */
function jobCpuSeconds(stderr: string): number {
  const m = /metrc: \[\d+\] cpu\s+\d+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : Number.NaN;
}

/**
 * Runs the fixed 2-thread CPU job (`stress-ng --cpu 2 --cpu-ops N`: N bogo-ops in total over
 * both workers) and resolves to its wall time and its own CPU time (from stress-ng's metrics),
 * in seconds. Its own process group, so a kill takes the workers too.
 */
export async function runCpuJob(cpuOps: number, method: string, timeoutMs: number): Promise<{ wall_s: number; job_cpu_s: number }> {
  const t0 = performance.now();
  const child = spawn(STRESS_NG, jobArgs(cpuOps, method), { cwd: tmpdir(), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => { stderr = (stderr + c).slice(-2000); });
  const timer = setTimeout(() => killAllJobs(), timeoutMs);
  const result = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((ok) => {
    child.once('error', (error) => ok({ code: null, signal: null, error }));
    child.once('close', (code, signal) => ok({ code, signal })); // after stderr is drained: the metrc line comes last
  });
  clearTimeout(timer);
  live.delete(child);
  const wall = (performance.now() - t0) / 1000;
  if (result.error) throw new Error(`cpu job: cannot start ${STRESS_NG}: ${result.error.message}`);
  if (result.code !== 0) {
    throw new Error(`cpu job: stress-ng ended with ${result.signal ?? `code ${result.code}`} after ${wall.toFixed(1)} s${stderr ? `: ${stderr.trim().slice(-500)}` : ''}`);
  }
  return { wall_s: wall, job_cpu_s: jobCpuSeconds(stderr) };
}
