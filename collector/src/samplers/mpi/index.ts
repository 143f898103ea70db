import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { z } from 'zod';
import { readText } from '../../lib/proc-files.ts';
import { type Attribution, type HostContext, type Tick, defineSampler } from '../../sampler.ts';
import { parseStat } from '../process/parse.ts';
import { MAX_REPORT_BYTES, type MpiReport, parseMpiReport } from './parse.ts';

const config = z.object({
  /** Where ranks under `runlens run --mpi` write their reports; empty: no MPI sampling. */
  dir: z.string().default(''),
  /** Reports read per tick at most (one per rank on this host). */
  max_files: z.number().int().min(1).default(4096),
}).strict();

interface Known {
  readonly who: Attribution;
  readonly uid: number;
  readonly last: MpiReport;
}

/** The start time of live process `pid`, or null when it is gone. */
function startTicks(procRoot: string, pid: number): number | null {
  return parseStat(readText(`${procRoot}/${pid}/stat`) ?? '')?.start_ticks ?? null;
}

/**
 * The report at `path` and its owner, if it is a regular file no larger than a report. The
 * directory is writable by jobs: a symlink (to a FIFO, or another file) is never followed.
 */
function readReport(path: string): { report: MpiReport; uid: number } | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_REPORT_BYTES) return null;
    const buf = Buffer.alloc(MAX_REPORT_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const report = n > MAX_REPORT_BYTES ? null : parseMpiReport(buf.toString('latin1', 0, n));
    return report ? { report, uid: st.uid } : null;
  } catch {
    return null; // replaced or removed between listing and reading, or a symlink
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** The owner of live process `pid`, or null when it is gone. */
function ownerOf(procRoot: string, pid: number): number | null {
  try {
    return statSync(`${procRoot}/${pid}`).uid;
  } catch {
    return null;
  }
}

function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Per-rank time inside MPI, from the reports the RunLens PMPI library writes to `dir/<pid>`.
 * A report belongs to a run only when its pid, with the start time the rank wrote, is a live
 * process the attribution places in a run, or was one at an earlier tick (a rank that has
 * just exited still has its final report read once). Reports of exited processes are then
 * removed; so is anything unparseable whose process is gone.
 */
export const mpiSampler = defineSampler({
  id: 'mpi',
  description: 'Per-rank wall and CPU time inside MPI, from the RunLens PMPI library (runlens run --mpi).',
  config,
  create(cfg, host: HostContext) {
    if (cfg.dir === '') return { absent: 'mpi: no report directory configured' };
    const known = new Map<string, Known>();
    return {
      sample(tick: Tick) {
        let names: string[];
        try {
          names = readdirSync(cfg.dir).filter((n) => /^\d{1,10}$/.test(n)).slice(0, cfg.max_files);
        } catch {
          return {}; // no rank has reported yet
        }
        const rows: Row<'mpi_samples'>[] = [];
        const seen = new Set<string>();
        for (const name of names) {
          const path = join(cfg.dir, name);
          const pid = Number(name);
          const read = readReport(path);
          const live = startTicks(host.procRoot, pid);
          if (!read) {
            if (live === null) remove(path);
            continue;
          }
          const { report, uid } = read;
          const key = `${pid}:${report.start_ticks}`;
          seen.add(key);
          const prev = known.get(key);
          // Only the rank's own user can report for it: alive, the owner of its /proc entry; gone, of its earlier reports.
          const alive = live === report.start_ticks;
          const owner = alive ? ownerOf(host.procRoot, pid) : (prev?.uid ?? null);
          const who = owner === uid ? ((alive ? tick.attribute(pid) : null) ?? prev?.who ?? null) : null;
          if (who) {
            rows.push(toRow(tick, host.host, pid, who, report, prev?.last ?? null));
            known.set(key, { who, uid, last: report });
          }
          if (live !== report.start_ticks) {
            remove(path);
            known.delete(key);
          }
        }
        for (const k of known.keys()) if (!seen.has(k)) known.delete(k);
        return { mpi_samples: rows };
      },
      close() {
        known.clear();
      },
    };
  },
});

function toRow(tick: Tick, host: string, pid: number, who: Attribution, r: MpiReport, prev: MpiReport | null): Row<'mpi_samples'> {
  const dWall = prev ? r.wall_s - prev.wall_s : 0;
  return {
    ts: tick.ts, host, run_id: who.run_id, rank: r.rank, size: r.size, pid, wall_s: r.wall_s, mpi_s: r.mpi_s, mpi_cpu_s: r.mpi_cpu_s,
    cpu_s: r.cpu_s, calls: r.calls, mpi_share: prev && dWall > 0 ? Math.min(1, Math.max(0, (r.mpi_s - prev.mpi_s) / dWall)) : null,
    final: r.final ? 1 : 0,
  };
}
