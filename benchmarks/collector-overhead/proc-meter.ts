import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process (all its threads), in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the last ')' start at field 3 (state); utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** VmRSS and VmHWM of a process, in bytes, from /proc/<pid>/status. */
export function memory(pid: number): { rss_bytes: number; hwm_bytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  };
  return { rss_bytes: kib('VmRSS'), hwm_bytes: kib('VmHWM') };
}

/** Every process on the host, kernel threads included (a numeric /proc entry each). */
export function liveProcesses(): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** What one agent cost over one measured window. */
export interface WindowResult {
  readonly cpu_s: number;
  readonly ticks: number;
  readonly window_s: number;
  readonly live_processes: number;
  readonly rss_median_bytes: number;
  readonly hwm_bytes: number;
  readonly cpu_us_per_process_sample: number;
  readonly extra: Record<string, unknown>;
}

export interface Measured {
  readonly pid: number;
  /** Ticks (agent) or successful scrapes (exporter) so far. */
  ticks(): Promise<number>;
  /** Anything worth keeping from the agent's side at the end of the window. */
  extra(): Promise<Record<string, unknown>>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Warm up, then measure CPU delta, tick delta, RSS (median of 1 s samples) and VmHWM. */
export async function measureWindow(target: Measured, warmupS: number, durationS: number): Promise<WindowResult> {
  await sleep(warmupS * 1000);
  const t0 = performance.now();
  const cpu0 = cpuSeconds(target.pid);
  const ticks0 = await target.ticks();
  const extra0 = await target.extra();
  const rss: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < durationS; i++) {
    await sleep(1000);
    rss.push(memory(target.pid).rss_bytes);
    live.push(liveProcesses());
  }
  const cpu1 = cpuSeconds(target.pid);
  const ticks1 = await target.ticks();
  const window_s = (performance.now() - t0) / 1000;
  const { hwm_bytes } = memory(target.pid);
  const cpu_s = cpu1 - cpu0;
  const ticks = ticks1 - ticks0;
  const live_processes = median(live);
  const extra = { start: extra0, end: await target.extra() };
  return {
    cpu_s, ticks, window_s, live_processes, rss_median_bytes: median(rss), hwm_bytes, extra,
    cpu_us_per_process_sample: (cpu_s / (ticks * live_processes)) * 1e6,
  };
}
