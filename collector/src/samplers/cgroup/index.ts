import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { z } from 'zod';
import { RateTracker } from '../../lib/counter.ts';
import { readText } from '../../lib/proc-files.ts';
import { defineSampler } from '../../sampler.ts';
import type { RowsByTable, Tick } from '../../sampler.ts';
import { atJobLevel, enclosingCpu } from './job-level.ts';
import { locate, probeLayout } from './locate.ts';
import type { CgroupLayout, CgroupLocation } from './locate.ts';
import { parseProcCgroup } from './parse.ts';
import { readCgroup } from './read.ts';
import type { CgroupReading } from './read.ts';

/** Per-second rates of single counters, keyed by cgroup and metric; null on first sight or a missing value. */
class Rates {
  private readonly tracker = new RateTracker<string>();

  of(key: string, mono_s: number, value: number | null): { interval_s: number; rate: number } | null {
    if (value === null) return null;
    const r = this.tracker.rates(key, mono_s, [value]);
    return r ? { interval_s: r.interval_s, rate: r.rates[0] ?? 0 } : null;
  }

  sweep(): void {
    this.tracker.sweep();
  }
}

function isEmpty(r: CgroupReading): boolean {
  return r.cpu_s === null && r.mem_usage_bytes === null && r.io === null && r.nr_periods === null;
}

function toRow(tick: Tick, host: string, run_id: string, loc: CgroupLocation, r: CgroupReading, rates: Rates): Row<'cgroup_samples'> | null {
  const k = `${run_id}\0${loc.version}\0${loc.path}\0`;
  const cpu = rates.of(`${k}cpu`, tick.mono_s, r.cpu_s);
  const periods = rates.of(`${k}periods`, tick.mono_s, r.nr_periods);
  const throttled = rates.of(`${k}throttled`, tick.mono_s, r.nr_throttled);
  const rd = rates.of(`${k}rd`, tick.mono_s, r.io?.read ?? null);
  const wr = rates.of(`${k}wr`, tick.mono_s, r.io?.write ?? null);
  // A constant "counter" gives the interval even for a memory-only cgroup (no rates of its own);
  // like every rate sampler, the first sight of a cgroup emits no row.
  const interval = rates.of(`${k}tick`, tick.mono_s, 0)?.interval_s;
  if (interval === undefined) return null;
  return {
    ts: tick.ts, host, run_id, cgroup: loc.path, version: loc.version, interval_s: interval,
    cpu_usage_cores: cpu?.rate ?? null,
    // Without a quota no CFS periods elapse: "not throttled" is then null, not 0.
    cpu_throttled_ratio: periods && throttled && periods.rate > 0 ? Math.min(1, throttled.rate / periods.rate) : null,
    cpu_quota_cores: r.quota_cores,
    mem_usage_bytes: r.mem_usage_bytes,
    mem_limit_bytes: r.mem_limit_bytes,
    io_read_bytes_per_s: rd?.rate ?? null,
    io_write_bytes_per_s: wr?.rate ?? null,
  };
}

function runLocations(layout: CgroupLayout, procRoot: string, root_pid: number): CgroupLocation[] {
  const text = readText(join(procRoot, String(root_pid), 'cgroup'));
  return text === null ? [] : locate(layout, parseProcCgroup(text));
}

/** A Slurm job's own cgroup, found from one of its processes' cgroups by the same locator. */
function jobLocations(layout: CgroupLayout, procCgroup: string): CgroupLocation[] {
  return locate(layout, atJobLevel(parseProcCgroup(procCgroup)));
}

/** `onlyWithQuota`: an enclosing cgroup, reported only where its CPU quota throttles the run. */
type Target = readonly [run_id: string, locations: CgroupLocation[], onlyWithQuota?: boolean];

/** Reads each (run, cgroup) once per tick. */
function sampleAll(tick: Tick, host: string, targets: readonly Target[], rates: Rates): Row<'cgroup_samples'>[] {
  const rows: Row<'cgroup_samples'>[] = [];
  const done = new Set<string>();
  for (const [run_id, locs, onlyWithQuota] of targets) {
    for (const loc of locs) {
      const key = `${run_id}\0${loc.version}\0${loc.path}`;
      if (done.has(key)) continue;
      done.add(key);
      const reading = readCgroup(loc);
      if (isEmpty(reading)) continue; // the cgroup was removed between reads (or the job ended)
      if (onlyWithQuota && reading.quota_cores === null) continue;
      const row = toRow(tick, host, run_id, loc, reading, rates);
      if (row) rows.push(row);
    }
  }
  return rows;
}

export const cgroupSampler = defineSampler({
  id: 'cgroup',
  description: 'CPU, throttling, memory and block IO of the cgroups holding each run\'s root process, and of each Slurm job\'s cgroup (v1 or v2).',
  config: z.object({}).strict(),
  create(_config, host) {
    const layout = probeLayout(host.sysRoot);
    if (layout === null) return { absent: `cgroup: no cgroup fs under ${join(host.sysRoot, 'fs', 'cgroup')}` };
    const rates = new Rates();
    return {
      sample(tick): RowsByTable {
        // Runs of `runlens run` by their root process; Slurm jobs the agent found, at their job cgroup.
        const targets: Target[] = [
          ...tick.runs.map((r): Target => [r.run_id, runLocations(layout, host.procRoot, r.root_pid)]),
          ...(tick.jobCgroups?.() ?? []).flatMap((j): Target[] => [
            [j.run_id, jobLocations(layout, j.proc_cgroup)],
            [j.run_id, locate(layout, enclosingCpu(parseProcCgroup(j.proc_cgroup))), true],
          ]),
        ];
        const rows = sampleAll(tick, host.host, targets, rates);
        rates.sweep();
        return { cgroup_samples: rows };
      },
      close() {},
    };
  },
});
