import { describe, expect, it } from 'vitest';
import { parseEnviron, ranksFromEnv } from './ranks.ts';

const env = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

describe('ranksFromEnv', () => {
  it.each([
    ['Open MPI', { OMPI_COMM_WORLD_RANK: '3', OMPI_COMM_WORLD_LOCAL_RANK: '1' }, 3, 1],
    ['PMI (MPICH, Intel MPI)', { PMI_RANK: '5', MPI_LOCALRANKID: '2' }, 5, 2],
    ['PMIx', { PMIX_RANK: '6' }, 6, null],
    ['Slurm srun', { SLURM_PROCID: '7', SLURM_LOCALID: '3' }, 7, 3],
    ['torchrun', { RANK: '8', LOCAL_RANK: '0' }, 8, 0],
    ['nothing', { HOME: '/root' }, null, null],
  ] as const)('reads %s', (_launcher, vars, rank, local) => {
    expect(ranksFromEnv(env(vars))).toEqual({ rank, local_rank: local });
  });

  it('prefers the MPI library, then torchrun, then Slurm when several are set', () => {
    const all = { OMPI_COMM_WORLD_RANK: '1', PMI_RANK: '2', PMIX_RANK: '2', SLURM_PROCID: '3', RANK: '4' };
    expect(ranksFromEnv(env(all)).rank).toBe(1);
    const { OMPI_COMM_WORLD_RANK: _o, ...noOmpi } = all;
    expect(ranksFromEnv(env(noOmpi)).rank).toBe(2);
    expect(ranksFromEnv(env({ SLURM_PROCID: '3', RANK: '4' })).rank).toBe(4);
    expect(ranksFromEnv(env({ SLURM_PROCID: '3' })).rank).toBe(3);
    expect(ranksFromEnv(env({ MPI_LOCALRANKID: '2', SLURM_LOCALID: '0', OMPI_COMM_WORLD_LOCAL_RANK: '1' })).local_rank).toBe(1);
    expect(ranksFromEnv(env({ SLURM_LOCALID: '1', MPI_LOCALRANKID: '2' })).local_rank).toBe(2);
  });
  it('srun + torchrun: each worker keeps its torchrun rank, not the srun task id', () => {
    const worker = (r: number): Map<string, string> => env({
      SLURM_JOB_ID: '77', SLURM_PROCID: '1', SLURM_LOCALID: '0',
      TORCHELASTIC_RUN_ID: '77', RANK: String(4 + r), LOCAL_RANK: String(r),
    });
    expect([0, 1, 2, 3].map((r) => ranksFromEnv(worker(r)))).toEqual([
      { rank: 4, local_rank: 0 }, { rank: 5, local_rank: 1 }, { rank: 6, local_rank: 2 }, { rank: 7, local_rank: 3 },
    ]);
  });

  it('skips values that are not non-negative integers and uses the next variable', () => {
    expect(ranksFromEnv(env({ OMPI_COMM_WORLD_RANK: '', PMI_RANK: '-1', SLURM_PROCID: 'x', RANK: '12' })).rank).toBe(12);
    expect(ranksFromEnv(env({ RANK: '1.5' })).rank).toBeNull();
  });
});

describe('parseEnviron', () => {
  it('splits NUL-separated KEY=VALUE entries, keeping = inside values', () => {
    const e = parseEnviron('PATH=/bin:/usr/bin\0OPTS=a=b=c\0EMPTY=\0RANK=4\0');
    expect([...e.entries()]).toEqual([['PATH', '/bin:/usr/bin'], ['OPTS', 'a=b=c'], ['EMPTY', ''], ['RANK', '4']]);
  });

  it('ignores entries without a key and survives empty or garbage text', () => {
    expect([...parseEnviron('=x\0noequals\0\0A=1').entries()]).toEqual([['A', '1']]);
    expect(parseEnviron('').size).toBe(0);
    expect(parseEnviron('\u0000\u0000\u00ff').size).toBe(0);
  });

  it('feeds ranksFromEnv end to end', () => {
    expect(ranksFromEnv(parseEnviron('HOME=/root\0PMIX_RANK=9\0SLURM_LOCALID=2\0'))).toEqual({ rank: 9, local_rank: 2 });
  });
});
