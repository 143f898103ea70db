import { sleep } from '@runlens/schemas';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields of /proc/<pid>/stat after the comm, so index 0 is field 3 (state); '' fields if the pid is gone. */
function statFields(pid: number): string[] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/**
 * User (utime + cutime) and system (stime + cstime) CPU of the given processes (all threads;
 * reaped children included), in seconds. A vanished pid counts 0, so take deltas over a fixed pid list.
 */
export function cpuTimes(pids: readonly number[]): { user_s: number; system_s: number } {
  let user = 0;
  let system = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    user += Number(f[11] ?? 0) + Number(f[13] ?? 0);
    system += Number(f[12] ?? 0) + Number(f[14] ?? 0);
  }
  return { user_s: user / CLK_TCK, system_s: system / CLK_TCK };
}

export function cpuSeconds(pids: readonly number[]): number {
  const t = cpuTimes(pids);
  return t.user_s + t.system_s;
}

/** `root` and its descendants (by ppid, field 4); this kernel has no /proc/<pid>/task/<tid>/children. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const ppid = Number(statFields(Number(name))[1]);
    if (!Number.isFinite(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.pop()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Summed VmRSS and VmHWM of the given processes, in bytes, from /proc/<pid>/status. */
export function memory(pids: readonly number[]): { rss_bytes: number; hwm_bytes: number } {
  let rss = 0;
  let hwm = 0;
  for (const pid of pids) {
    let status = '';
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue; // gone
    }
    const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    rss += kib('VmRSS');
    hwm += kib('VmHWM');
  }
  return { rss_bytes: rss, hwm_bytes: hwm };
}

/**
 * Host-wide CPU from the first line of /proc/stat, in seconds: busy (user, nice, system, irq,
 * softirq) and steal. Other sessions' containers share this kernel, so their work shows here.
 */
export function hostCpu(): { busy_s: number; steal_s: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number): number => f[i] ?? 0;
  return { busy_s: (at(0) + at(1) + at(2) + at(5) + at(6)) / CLK_TCK, steal_s: at(7) / CLK_TCK };
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
  /** Kernel share of cpu_s: reading /proc is kernel work; parsing and encoding are user work. */
  readonly cpu_system_s: number;
  readonly ticks: number;
  readonly window_s: number;
  readonly live_processes: number;
  readonly rss_median_bytes: number;
  readonly hwm_bytes: number;
  readonly cpu_us_per_process_sample: number;
  /** Processes in the agent's tree (the agent itself plus any children). */
  readonly tree_processes: number;
  readonly extra: Record<string, unknown>;
}

export interface Measured {
  readonly pid: number;
  /** Completed collections so far (agent ticks, successful scrapes, or lines of output). */
  ticks(): Promise<number>;
  /** Anything worth keeping from the agent's side at the end of the window. */
  extra(): Promise<Record<string, unknown>>;
}


/**
 * Resolves just after the next completed collection, with the new count. Edges taken there
 * hold whole ticks only; an 8 s window with free phase would be off by up to one tick in eight.
 */
async function afterNextTick(target: Measured, timeoutMs = 5000): Promise<number> {
  const before = await target.ticks();
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    await sleep(TICK_POLL_MS);
    const now = await target.ticks();
    if (now > before || performance.now() > deadline) return now;
  }
}

/** RunLens answers each poll over SIGUSR2 (≈ 20 polls a window edge at most); the others are polled in this process. */
const TICK_POLL_MS = 50;

/** Warm up, then measure CPU delta of the agent's tree, tick delta, RSS (median of 1 s samples) and VmHWM. */
export async function measureWindow(target: Measured, warmupS: number, durationS: number): Promise<WindowResult> {
  await sleep(warmupS * 1000);
  const tree = processTree(target.pid);
  const ticks0 = await afterNextTick(target);
  const extra0 = await target.extra();
  const t0 = performance.now();
  const cpu0 = cpuTimes(tree);
  const rss: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < durationS; i++) {
    await sleep(1000);
    rss.push(memory(tree).rss_bytes);
    live.push(liveProcesses());
  }
  const ticks1 = await afterNextTick(target);
  const cpu1 = cpuTimes(tree);
  const window_s = (performance.now() - t0) / 1000;
  const { hwm_bytes } = memory(tree);
  const cpu_system_s = cpu1.system_s - cpu0.system_s;
  const cpu_s = cpu1.user_s - cpu0.user_s + cpu_system_s;
  const ticks = ticks1 - ticks0;
  const live_processes = median(live);
  const extra = { start: extra0, end: await target.extra() };
  return {
    cpu_s, cpu_system_s, ticks, window_s, live_processes, rss_median_bytes: median(rss), hwm_bytes, tree_processes: tree.length, extra,
    cpu_us_per_process_sample: (cpu_s / (ticks * live_processes)) * 1e6,
  };
}
