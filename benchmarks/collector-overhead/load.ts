import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
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

/** Sleepers alive in process group `pgid` (field 5 of /proc/<pid>/stat), the helper shell excluded. */
function sleepersIn(pgid: number): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === pgid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) n++;
    } catch {
      // Gone between readdir and read.
    }
  }
  return n;
}

/** Tops the host up to at least `target` processes with `sleep` children; waits until they exist. */
export async function startLoad(target: number, timeoutMs = 60_000): Promise<Load> {
  const sleepers = Math.max(0, target - liveProcesses());
  const script = `for i in $(seq ${sleepers}); do sleep 3600 & done; wait`;
  const child = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
  live.add(child);
  const load: Load = { sleepers, kill: () => killGroup(child) };
  const deadline = Date.now() + timeoutMs;
  // Wait for our own sleepers, not for the host total: other processes come and go meanwhile.
  while (child.pid !== undefined && sleepersIn(child.pid) < sleepers) {
    if (Date.now() > deadline) {
      load.kill();
      throw new Error(`only ${sleepersIn(child.pid)} of ${sleepers} sleepers after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return load;
}
