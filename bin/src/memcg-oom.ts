import { readFileSync } from 'node:fs';

/** A memory cgroup and its oom_kill counter when first read. */
export interface MemcgOom { readonly counter_file: string; readonly at_start: number }

const V1_ROOT = '/sys/fs/cgroup/memory';
const V2_ROOT = '/sys/fs/cgroup';

/** `oom_kill N` from memory.oom_control (v1) or memory.events (v2); null where the kernel has no such counter. */
function readCounter(file: string): number | null {
  try {
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The memory cgroup of `pid` (a Slurm step, a systemd scope) and its OOM kills so far; null where none can be read. */
export function memcgOomAtStart(pid: number, procRoot = '/proc'): MemcgOom | null {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/cgroup`, 'utf8');
  } catch {
    return null;
  }
  const v1 = /^\d+:(?:[^:\n]*,)?memory(?:,[^:\n]*)?:(\/[^\n]*)$/m.exec(text)?.[1];
  const v2 = /^0::(\/[^\n]*)$/m.exec(text)?.[1];
  const file = v1 !== undefined ? `${V1_ROOT}${v1 === '/' ? '' : v1}/memory.oom_control` : v2 !== undefined ? `${V2_ROOT}${v2 === '/' ? '' : v2}/memory.events` : null;
  if (file === null) return null;
  const n = readCounter(file);
  return n === null ? null : { counter_file: file, at_start: n };
}

/** OOM kills in that cgroup since the start; null when the counter can no longer be read (the cgroup is gone). */
export function memcgOomKillsSince(start: MemcgOom | null): number | null {
  if (!start) return null;
  const n = readCounter(start.counter_file);
  return n === null ? null : Math.max(0, n - start.at_start);
}
