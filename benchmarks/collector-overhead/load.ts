import { type ChildProcess, spawn } from 'node:child_process';
import { liveProcesses } from './proc-meter.ts';

/** Idle sleepers in one process group, so one kill(-pgid) ends them all. */
export interface Load {
  readonly sleepers: number;
  kill(): void;
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  live.delete(child);
}

/** Kills every load still running; safe to call more than once. Wired to exit and signals. */
export function killAllLoads(): void {
  for (const c of [...live]) killGroup(c);
}

/** Tops the host up to at least `target` processes with `sleep` children; waits until they exist. */
export async function startLoad(target: number, timeoutMs = 60_000): Promise<Load> {
  const sleepers = Math.max(0, target - liveProcesses());
  const script = `for i in $(seq ${sleepers}); do sleep 3600 & done; wait`;
  const child = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
  live.add(child);
  const load: Load = { sleepers, kill: () => killGroup(child) };
  const deadline = Date.now() + timeoutMs;
  while (liveProcesses() < target) {
    if (Date.now() > deadline) {
      load.kill();
      throw new Error(`only ${liveProcesses()} of ${target} processes after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return load;
}
