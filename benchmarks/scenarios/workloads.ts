import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATORS = join(dirname(fileURLToPath(import.meta.url)), 'generators');
export const MEMORY_PATTERN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'testdata', 'memory-pattern.mjs');

const children = new Set<ChildProcess>();

export function start(cmd: string, args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  const c = spawn(cmd, [...args], { stdio: 'ignore', env: { ...process.env, ...env } });
  children.add(c);
  c.on('exit', () => children.delete(c));
  return c;
}

export function exited(c: ChildProcess): Promise<void> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.on('exit', () => r()));
}

export function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
}

export { sleep } from '@runlens/schemas';

const CPU_CGROUP = '/sys/fs/cgroup/cpu';

/** Whether a cgroup can be made under `root` (a cgroup v1 controller, writable). */
function canMakeCgroup(root: string): boolean {
  try {
    const probe = join(root, `runlens-probe-${process.pid}`);
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Whether a CFS quota can be set here (cgroup v1 cpu controller, writable): the slow-node lever. */
export const canThrottle = (): boolean => canMakeCgroup(CPU_CGROUP);

/** Puts `pid` in a fresh cgroup limited to `cores` CPUs; returns a cleanup function. */
export function throttle(pid: number, cores: number, name: string): () => void {
  const dir = join(CPU_CGROUP, `runlens-${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
  writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(Math.round(cores * 100000)));
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  return () => {
    try {
      writeFileSync(join(CPU_CGROUP, 'cgroup.procs'), String(pid));
    } catch {
      /* exited */
    }
    for (let i = 0; i < 20 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        /* tasks still leaving */
      }
    }
  };
}

const MEMORY_CGROUP = '/sys/fs/cgroup/memory';
const memoryDir = (name: string): string => join(MEMORY_CGROUP, `runlens-${name}-${process.pid}`);

/** Whether a memory limit can be set here (cgroup v1 memory controller, writable): the memory-pressure lever. */
export const canLimitMemory = (): boolean => canMakeCgroup(MEMORY_CGROUP);

/** Changes the limit of the cgroup `limitMemory(…, name)` made: a limit under the working set, mid-run. */
export function setMemoryLimit(name: string, bytes: number): void {
  writeFileSync(join(memoryDir(name), 'memory.limit_in_bytes'), String(bytes));
}

/** Puts `pid` in a fresh memory cgroup limited to `bytes`; returns a cleanup function. */
export function limitMemory(pid: number, bytes: number, name: string): () => void {
  const dir = memoryDir(name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'memory.limit_in_bytes'), String(bytes));
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  return () => {
    for (let i = 0; i < 20 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        /* tasks still leaving */
      }
    }
  };
}
