import type { Row } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { AnalyzerState } from '../../state/analyzer-state.ts';
import { T0 } from '../testdata/windows.ts';
import { loadImbalance } from './index.ts';

/*
 * Final PMPI reports of `mpirun -np 2 mpiwork 6 W` on the 2-core VM while other builds used it
 * (REAL numbers: cpu_s, mpi_cpu_s, mpi_s, wall_s per rank). Both ranks spin in Open MPI while
 * they wait, so /proc shows both at the same CPU: only the reports tell the ranks apart.
 */
const BALANCED = [{ cpu: 1.646049, mpiCpu: 1.050858, mpi: 3.012226, wall: 6.071829 }, { cpu: 1.674969, mpiCpu: 1.073379, mpi: 3.113748, wall: 6.071637 }];
const ONE_TO_FOUR = [{ cpu: 0.83743, mpiCpu: 0.520078, mpi: 3.903399, wall: 6.134836 }, { cpu: 1.48968, mpiCpu: 0.226878, mpi: 0.990997, wall: 6.133588 }];
/* HAND-MADE after a real run (28% and 69% in MPI, balanced work): one rank shared its core with outside load. */
const BALANCED_ONE_CORE_SHARED = [{ cpu: 0.61, mpiCpu: 0.02, mpi: 1.71, wall: 6.0 }, { cpu: 2.6, mpiCpu: 2.0, mpi: 4.14, wall: 6.0 }];

type Final = (typeof BALANCED)[number];

/** The run as the analyzer sees it: both ranks busy in /proc, and 6 reports each, growing linearly. */
function windowOf(finals: readonly Final[]): ReturnType<ReturnType<AnalyzerState['run']>['window']> {
  const state = new AnalyzerState();
  const mpi: Row<'mpi_samples'>[] = [];
  const procs: Row<'process_samples'>[] = [];
  finals.forEach((f, rank) => {
    for (let i = 1; i <= 6; i++) {
      const k = i / 6;
      mpi.push({ ts: T0 + i * 1000, host: 'h1', run_id: 'r1', rank, size: finals.length, pid: 100 + rank, wall_s: f.wall * k, mpi_s: f.mpi * k,
        mpi_cpu_s: f.mpiCpu * k, cpu_s: f.cpu * k, calls: 10 * i, mpi_share: null, final: i === 6 ? 1 : 0 });
      procs.push(spinningRank(T0 + i * 1000, rank));
    }
  });
  state.add('process_samples', procs);
  state.add('mpi_samples', mpi);
  return state.run('r1').window(state.hosts);
}

function spinningRank(ts: number, rank: number): Row<'process_samples'> {
  return {
    ts, host: 'h1', run_id: 'r1', rank, local_rank: rank, pid: 100 + rank, ppid: 99, start_ticks: 1, comm: 'mpiwork', state: 'R', interval_s: 1,
    cpu_user_cores: 0.95, cpu_sys_cores: 0.02, run_delay_cores: 0.02, rss_bytes: 1e7, hwm_bytes: 1e7, vm_bytes: 1e8, threads: 3, busy_threads: 1,
    read_bytes_per_s: 0, write_bytes_per_s: 0, rchar_per_s: 0, wchar_per_s: 0, syscr_per_s: 0, syscw_per_s: 0, vol_ctxsw_per_s: 0,
    invol_ctxsw_per_s: 5, minflt_per_s: 0, majflt_per_s: 0, last_cpu: rank,
  };
}

describe('load_imbalance from time inside MPI (runlens run --mpi)', () => {
  it('names the heavy rank of mpiwork 1,4 by its MPI rank, though /proc shows both ranks equally busy', () => {
    const [f, ...rest] = loadImbalance.evaluate(windowOf(ONE_TO_FOUR));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'load_imbalance', severity: 'warning', scope: 'run', start_ts: T0 + 1000, end_ts: T0 + 6000 });
    expect(f?.evidence).toMatchObject({ source: 'mpi', heavy_ranks: '1', light_ranks: '0', ranks: 2, mpi_share_by_rank: '0:0.636,1:0.162' });
    expect(f?.message).toMatch(/heavy ranks 1/);
    expect(f?.message).toMatch(/time in MPI: heavy ranks 16%, the others 64%/);
  });

  it('is silent for the balanced version, also when outside load made one rank wait 69% of the time', () => {
    expect(loadImbalance.evaluate(windowOf(BALANCED))).toEqual([]);
    expect(loadImbalance.evaluate(windowOf(BALANCED_ONE_CORE_SHARED))).toEqual([]);
  });

  it('leaves ranks with under 3 s of reports out, and falls back to /proc CPU with fewer than 2 reporting ranks', () => {
    const short = ONE_TO_FOUR.map((f) => ({ cpu: f.cpu / 3, mpiCpu: f.mpiCpu / 3, mpi: f.mpi / 3, wall: f.wall / 3 }));
    expect(loadImbalance.evaluate(windowOf(short))).toEqual([]);
  });
});
