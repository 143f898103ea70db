import type { Row } from '@runlens/schemas';
import { z } from 'zod';
import { RateTracker } from '../../lib/counter.ts';
import { readText } from '../../lib/proc-files.ts';
import { type Attribution, type HostContext, type Tick, defineSampler } from '../../sampler.ts';
import { type ProcReading, ProcReader, keptOpenBudget } from './proc-reader.ts';
import { BusyThreads } from './busy-threads.ts';
import { ReapedChildren, type ScannedProcess } from './reaped-children.ts';

const config = z.object({
  include: z.enum(['all', 'runs']).default('all'),
  include_kernel_threads: z.boolean().default(false),
  /** Processes whose files stay open between ticks; by default as many as the descriptor limit allows. */
  max_kept_open: z.number().int().min(0).optional(),
}).strict();

// Order of the counters fed to the rate tracker.
const CPU = ['utime', 'stime', 'wait_ns', 'minflt', 'majflt', 'vol', 'invol'] as const;
const IO = ['rchar', 'wchar', 'syscr', 'syscw', 'read_bytes', 'write_bytes', 'cancelled_write_bytes'] as const;

function cpuCounters(r: ProcReading): number[] {
  return [r.stat.utime, r.stat.stime, r.sched?.wait_ns ?? 0, r.stat.minflt, r.stat.majflt, r.status.vol_ctxsw, r.status.invol_ctxsw];
}

function ioCounters(r: ProcReading): number[] | null {
  return r.io ? IO.map((k) => r.io?.[k] ?? 0) : null;
}

/** A reading to sample, keyed by pid and start time, as the reaped-children bookkeeping sees it. */
function scanned(r: ProcReading, who: Attribution | null): ScannedProcess & { r: ProcReading; who: Attribution | null } {
  const { pid, ppid, start_ticks, minflt, cminflt } = r.stat;
  return { r, who, key: `${pid}:${start_ticks}`, pid, ppid, io: ioCounters(r), minflt, cminflt };
}

/** IO rates, less the IO of reaped children that the kernel added to this process's counters. */
function ioRates(io: RateTracker<string>, reaped: ReapedChildren, p: ScannedProcess, mono_s: number): number[] | null {
  const d = p.io ? io.deltas(p.key, mono_s, p.io) : null;
  if (!d) return null;
  const out = reaped.correct(p.key, p.cminflt, d.deltas);
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / d.interval_s;
  return out;
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
    const reader = new ProcReader(host.procRoot, cfg.max_kept_open ?? keptOpenBudget());
    const cpu = new RateTracker<string>();
    const io = new RateTracker<string>();
    const reaped = new ReapedChildren();
    const busy = new BusyThreads(host.procRoot);
    let offset: number | null = null;
    let lastScan: number | null = null;
    return {
      sample(tick: Tick) {
        offset ??= bootOffset(host, tick.mono_s);
        const readings = reader.readAll(reader.listPids())
          .filter((r) => cfg.include_kernel_threads || (r.stat.pid !== 2 && r.stat.ppid !== 2));
        tick.observeProcesses(readings.map((r) => ({ pid: r.stat.pid, ppid: r.stat.ppid, start_ticks: r.stat.start_ticks })));
        const sampled = readings.filter((r) => !tick.elsewhere?.(r.stat.pid)).map((r) => scanned(r, tick.attribute(r.stat.pid))).filter((p) => cfg.include === 'all' || p.who);
        reaped.scan(sampled);
        const rows: Row<'process_samples'>[] = [];
        for (const p of sampled) {
          const { r, who, key } = p;
          const startMono = r.stat.start_ticks / host.clkTck - offset;
          // Born since the last scan: its counters started at zero at its start time, so
          // nothing is lost before the first reading.
          if (lastScan !== null && startMono >= lastScan - 1 / host.clkTck && !cpu.has(key)) {
            cpu.seed(key, startMono, CPU.map(() => 0));
            io.seed(key, startMono, IO.map(() => 0));
          }
          const c = cpu.rates(key, tick.mono_s, cpuCounters(r));
          const i = ioRates(io, reaped, p, tick.mono_s);
          // Only runs' processes: per-thread reads cost, and nothing judges the background's threads.
          const b = who ? busy.count(r.stat.pid, r.stat.start_ticks, r.stat.threads, tick.mono_s) : null;
          if (c) rows.push(toRow(tick, host, r, who, c.interval_s, c.rates, i, b));
        }
        cpu.sweep();
        busy.sweep();
        io.sweep();
        lastScan = tick.mono_s;
        return { process_samples: rows };
      },
      close() {
        reader.closeAll();
      },
    };
  },
});

function toRow(
  tick: Tick, host: HostContext, r: ProcReading, who: ReturnType<Tick['attribute']>,
  interval_s: number, c: number[], i: number[] | null, busy_threads: number | null,
): Row<'process_samples'> {
  return {
    ts: tick.ts, host: host.host, run_id: who?.run_id ?? '', rank: who?.rank ?? null, local_rank: who?.local_rank ?? null,
    pid: r.stat.pid, ppid: r.stat.ppid, start_ticks: r.stat.start_ticks, comm: r.stat.comm, state: r.stat.state,
    interval_s,
    cpu_user_cores: (c[0] ?? 0) / host.clkTck, cpu_sys_cores: (c[1] ?? 0) / host.clkTck, run_delay_cores: (c[2] ?? 0) / 1e9,
    rss_bytes: r.stat.rss_pages * host.pageSize, hwm_bytes: r.status.hwm_bytes ?? r.stat.rss_pages * host.pageSize,
    vm_bytes: r.stat.vsize, threads: r.stat.threads, busy_threads,
    rchar_per_s: i ? (i[0] ?? 0) : null, wchar_per_s: i ? (i[1] ?? 0) : null, syscr_per_s: i ? (i[2] ?? 0) : null, syscw_per_s: i ? (i[3] ?? 0) : null,
    // Bytes that reached storage: writes to files deleted before write-back never do.
    read_bytes_per_s: i ? (i[4] ?? 0) : null, write_bytes_per_s: i ? Math.max(0, (i[5] ?? 0) - (i[6] ?? 0)) : null,
    minflt_per_s: c[3] ?? 0, majflt_per_s: c[4] ?? 0, vol_ctxsw_per_s: c[5] ?? 0, invol_ctxsw_per_s: c[6] ?? 0,
    last_cpu: r.stat.processor,
  };
}
