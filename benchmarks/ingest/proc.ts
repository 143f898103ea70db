import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { sleep } from '@runlens/schemas';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process (all threads), in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The peak resident set of a live process (VmHWM in /proc/<pid>/status), in MiB. */
export function peakRssMiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/**
 * utime + stime per thread name (comm) of a live process, in seconds. Threads that ended are
 * missing here (their CPU is in cpuSeconds only): compare two snapshots of long-lived pools.
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    let stat: string;
    try { stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'); } catch { continue; }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
  }
  return out;
}

/** CPU seconds per thread name between two snapshots, largest first, as "name 0.12" pairs. */
export function threadCpuDelta(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Record<string, number> {
  const d = [...after].map(([k, v]) => [k, Math.round((v - (before.get(k) ?? 0)) * 100) / 100] as const).filter(([, v]) => v > 0);
  return Object.fromEntries(d.sort((a, b) => b[1] - a[1]));
}

export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export { sleep };

/**
 * Waits until the given processes together use less than `floor` CPU-s per second, over two
 * one-second windows in a row (the engines' background merges are done), at most `maxS` seconds;
 * returns the seconds waited. A measured phase that starts while the other engine still merges
 * is charged for cache and core contention that is not its own (2 cores here).
 */
export async function settle(pids: readonly (number | 'self')[], floor = 0.05, maxS = 60): Promise<number> {
  const t0 = performance.now();
  const total = (): number => pids.reduce<number>((sum, p) => sum + cpuSeconds(p), 0);
  for (let quiet = 0; quiet < 2 && performance.now() - t0 < maxS * 1000;) {
    const c0 = total();
    await sleep(1000);
    quiet = total() - c0 < floor ? quiet + 1 : 0;
  }
  return (performance.now() - t0) / 1000;
}

export function progress(msg: string): void {
  process.stderr.write(`[ingest-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Wall time and CPU seconds of the given processes over `fn`. */
export async function measure<T>(pids: readonly (number | 'self')[], fn: () => Promise<T>): Promise<{ value: T; wall_s: number; cpu_s: number[] }> {
  const cpu0 = pids.map(cpuSeconds);
  const t0 = performance.now();
  const value = await fn();
  const wall_s = (performance.now() - t0) / 1000;
  return { value, wall_s, cpu_s: pids.map((p, i) => cpuSeconds(p) - (cpu0[i] ?? 0)) };
}
