import { z } from 'zod';
import { counterDelta } from '../../lib/counter.ts';
import { readText } from '../../lib/proc-files.ts';
import { type Attribution, type HostContext, type Tick, defineSampler } from '../../sampler.ts';
import { BusyThreads } from './busy-threads.ts';
import { LastPidWatch, showsOwnPidNamespace } from './last-pid.ts';
import { ProcessColumns } from './process-columns.ts';
import { ProcReader, keptOpenBudget } from './proc-reader.ts';
import { CPU_COUNTERS, IO_COUNTERS, type ProcSlot } from './proc-slot.ts';
import { ReapedChildren } from './reaped-children.ts';

const config = z.object({
  include: z.enum(['all', 'runs']).default('all'),
  include_kernel_threads: z.boolean().default(false),
  /** Processes whose files stay open between ticks; by default as many as the descriptor limit allows. */
  max_kept_open: z.number().int().min(0).optional(),
}).strict();

/**
 * The slot's CPU rates since its previous reading into `out` (per second); returns the interval,
 * or 0 where there is none (first sight, or no time passed). The reading becomes the previous one.
 * A previous reading counts only if it was taken in the last scan (or seeded in this one).
 */
function cpuRates(s: ProcSlot, scan: number, mono_s: number, out: number[]): number {
  const dt = mono_s - s.cpuPrevMono;
  const ok = s.cpuPrevScan >= scan - 1 && dt > 0;
  const cur = s.cpu;
  const prev = s.cpuPrev;
  for (let k = 0; k < cur.length; k++) {
    if (ok) out[k] = counterDelta(prev[k]!, cur[k]!) / dt;
    prev[k] = cur[k]!;
  }
  s.cpuPrevMono = mono_s;
  s.cpuPrevScan = scan;
  return ok ? dt : 0;
}

/** IO rates as cpuRates takes them, less the IO of reaped children that the kernel added to this process's counters. */
function ioRates(s: ProcSlot, scan: number, mono_s: number, reaped: ReapedChildren, deltas: number[]): number[] | null {
  const cur = s.io;
  if (!cur) return null;
  const dt = mono_s - s.ioPrevMono;
  const ok = s.ioPrevScan >= scan - 1 && dt > 0;
  const prev = s.ioPrev;
  for (let k = 0; k < cur.length; k++) {
    if (ok) deltas[k] = counterDelta(prev[k]!, cur[k]!);
    prev[k] = cur[k]!;
  }
  s.ioPrevMono = mono_s;
  s.ioPrevScan = scan;
  if (!ok) return null;
  const out = reaped.correct(s.key, s.cminflt, deltas);
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / dt;
  return out;
}

/** Zero counters at the process's start time, as the previous reading of this scan. */
function seedAtStart(s: ProcSlot, scan: number, startMono: number): void {
  s.cpuPrev.fill(0);
  s.ioPrev.fill(0);
  s.cpuPrevMono = s.ioPrevMono = startMono;
  s.cpuPrevScan = s.ioPrevScan = scan - 1;
}

/**
 * Into `sampled` and `whos` (reused arrays): the processes of this node, only runs' where
 * `runsOnly`, and the run of each. Every process is checked for `elsewhere` before any is
 * attributed, as before slots.
 */
function pickSampled(tick: Tick, runsOnly: boolean, observed: readonly ProcSlot[], sampled: ProcSlot[], whos: (Attribution | null)[]): void {
  sampled.length = 0;
  // Indexed loops: under --optimize-for-size, for-of made an iterator result per process.
  for (let i = 0; i < observed.length; i++) if (!tick.elsewhere?.(observed[i]!.pid)) sampled.push(observed[i]!);
  whos.length = 0;
  let kept = 0;
  for (let i = 0; i < sampled.length; i++) {
    const s = sampled[i]!;
    const who = tick.attribute(s.pid);
    if (runsOnly && !who) continue;
    sampled[kept++] = s;
    whos.push(who);
  }
  sampled.length = kept;
}

/** /proc/uptime minus the monotonic clock: places process start times on our clock. */
function bootOffset(host: HostContext, nowMono: number): number {
  const up = Number.parseFloat(readText(`${host.procRoot}/uptime`) ?? '');
  return Number.isFinite(up) ? up - nowMono : 0;
}

export const processSampler = defineSampler({
  id: 'process',
  description: 'Per-process CPU, memory, scheduling and IO from /proc/<pid>/{stat,status,io,schedstat}.',
  config,
  create(cfg, host) {
    const newTasks = showsOwnPidNamespace(host.procRoot) ? new LastPidWatch(`${host.procRoot}/loadavg`) : null;
    const reader = new ProcReader(host.procRoot, cfg.max_kept_open ?? keptOpenBudget(), newTasks);
    const reaped = new ReapedChildren();
    const busy = new BusyThreads(host.procRoot);
    const out = new ProcessColumns(host);
    // Reused from tick to tick: the processes seen and sampled, their runs, and rate scratch.
    const observed: ProcSlot[] = [];
    const sampled: ProcSlot[] = [];
    const whos: (Attribution | null)[] = [];
    const cpu = new Array<number>(CPU_COUNTERS).fill(0);
    const io = new Array<number>(IO_COUNTERS).fill(0);
    let offset: number | null = null;
    let lastScan: number | null = null;
    let scan = 0;
    return {
      sample(tick: Tick) {
        offset ??= bootOffset(host, tick.mono_s);
        scan++;
        observed.length = 0;
        const read = reader.readAll(reader.listPids());
        for (let i = 0; i < read.length; i++) {
          const s = read[i]!;
          if (cfg.include_kernel_threads || (s.pid !== 2 && s.ppid !== 2)) observed.push(s);
        }
        tick.observeProcesses(observed);
        pickSampled(tick, cfg.include === 'runs', observed, sampled, whos);
        reaped.scan(sampled);
        out.reset();
        for (let n = 0; n < sampled.length; n++) {
          const s = sampled[n]!;
          const who = whos[n] ?? null;
          const startMono = s.start_ticks / host.clkTck - offset;
          // Born since the last scan: its counters started at zero at its start time, so
          // nothing is lost before the first reading.
          if (lastScan !== null && startMono >= lastScan - 1 / host.clkTck && s.cpuPrevScan < scan - 1) seedAtStart(s, scan, startMono);
          const interval_s = cpuRates(s, scan, tick.mono_s, cpu);
          const i = ioRates(s, scan, tick.mono_s, reaped, io);
          // Only runs' processes: per-thread reads cost, and nothing judges the background's threads.
          const t = who ? busy.scan(s.pid, s.start_ticks, s.threads, tick.mono_s) : null;
          // Run delay of every thread, where read; the main thread's (its schedstat) otherwise.
          if (t) cpu[2] = t.wait_ns_per_s;
          if (interval_s > 0) out.add(tick.ts, s, who, interval_s, cpu, i, t?.busy ?? null);
        }
        out.end();
        busy.sweep();
        lastScan = tick.mono_s;
        return { process_samples: out };
      },
      close() {
        reader.closeAll();
      },
    };
  },
});
