import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A process as the kernel names it: pid plus start time, so a reused pid is not taken for it. */
export interface ProcIdentity {
  readonly pid: number;
  /** Real uid, from /proc/<pid>/status. */
  readonly uid: number;
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks after boot. */
  readonly start_ticks: string;
}

/** Reads pid's identity; null when the process is gone or its files cannot be parsed. */
export function readProcIdentity(pid: number, procRoot = '/proc'): ProcIdentity | null {
  try {
    const stat = readFileSync(join(procRoot, String(pid), 'stat'), 'utf8');
    const status = readFileSync(join(procRoot, String(pid), 'status'), 'utf8');
    // comm may contain spaces and ')': the fields after the last ')' start at field 3.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    if (start === undefined || !/^\d+$/.test(start) || uid === undefined) return null;
    return { pid, uid: Number(uid), start_ticks: start };
  } catch {
    return null;
  }
}

/** True while the same process (not a successor with its pid) is alive. */
export function sameProcessAlive(id: ProcIdentity, procRoot = '/proc'): boolean {
  return readProcIdentity(id.pid, procRoot)?.start_ticks === id.start_ticks;
}
