import type { MpiPoint, MpiRankView } from '../../window/run-window.ts';

/** A rank must have reported at least this much wall time in the window to be compared. */
export const MPI_MIN_WALL_S = 3;

/** One rank's work in the window, from its PMPI reports. */
export interface MpiRankWork {
  readonly rank: number;
  readonly host: string;
  /** CPU seconds outside MPI per wall second: the rank's own compute. */
  readonly compute_cores: number;
  /** Share of wall time inside MPI calls (waiting, when a rank spins or blocks there). */
  readonly mpi_share: number;
}

const ZERO: MpiPoint = { ts: 0, wall_s: 0, mpi_s: 0, mpi_cpu_s: 0, cpu_s: 0 };

/**
 * Work per rank over the window: the change between its first and last report, or its totals
 * since MPI_Init when it reported once. CPU outside MPI measures compute whatever share of a
 * core the rank got (outside load slows a rank, it does not add to its work); the MPI share is
 * what a user sees in mpiP. Ranks with under MPI_MIN_WALL_S of reports are left out.
 */
export function mpiWork(ranks: readonly MpiRankView[]): MpiRankWork[] {
  const out: MpiRankWork[] = [];
  for (const r of ranks) {
    const last = r.points[r.points.length - 1];
    if (!last) continue;
    const first = r.points.length > 1 ? (r.points[0] ?? ZERO) : ZERO;
    const wall = last.wall_s - first.wall_s;
    if (wall < MPI_MIN_WALL_S) continue;
    const compute = (last.cpu_s - last.mpi_cpu_s) - (first.cpu_s - first.mpi_cpu_s);
    out.push({
      rank: r.rank, host: r.host,
      compute_cores: Math.max(0, compute) / wall,
      mpi_share: Math.min(1, Math.max(0, (last.mpi_s - first.mpi_s) / wall)),
    });
  }
  return out;
}
