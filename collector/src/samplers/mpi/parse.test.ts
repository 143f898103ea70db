import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMpiReport } from './parse.ts';

const golden = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

describe('parseMpiReport', () => {
  it('reads the reports Open MPI ranks wrote', () => {
    expect(parseMpiReport(golden('openmpi-rank0-final.txt'))).toEqual({
      rank: 0, size: 2, start_ticks: 86078, mpi_s: 2.039905, mpi_cpu_s: 0.118507, cpu_s: 0.214914, wall_s: 3.164741, calls: 30, final: true,
    });
    expect(parseMpiReport(golden('openmpi-rank1-live.txt'))).toMatchObject({ rank: 1, final: false, wall_s: 1.006353 });
  });

  it.each([
    ['empty', ''],
    ['truncated mid-line', golden('openmpi-rank0-final.txt').slice(0, 60)],
    ['another version', golden('openmpi-rank0-final.txt').replace('runlens_mpi 1', 'runlens_mpi 2')],
    ['a foreign file', 'hello world\n'],
    ['a rank outside the world', 'runlens_mpi 1 rank=2 size=2 start_ticks=1 mpi_s=0 mpi_cpu_s=0 cpu_s=0 wall_s=1 calls=0 final=0'],
    ['more time in MPI than wall time', 'runlens_mpi 1 rank=0 size=2 start_ticks=1 mpi_s=5 mpi_cpu_s=0 cpu_s=0 wall_s=1 calls=0 final=0'],
    ['a negative number', 'runlens_mpi 1 rank=0 size=2 start_ticks=1 mpi_s=-1 mpi_cpu_s=0 cpu_s=0 wall_s=1 calls=0 final=0'],
    ['not a number', 'runlens_mpi 1 rank=0 size=2 start_ticks=1 mpi_s=nan mpi_cpu_s=0 cpu_s=0 wall_s=1 calls=0 final=0'],
    ['an empty value', 'runlens_mpi 1 rank= size=2 start_ticks=1 mpi_s=0 mpi_cpu_s=0 cpu_s=0 wall_s=1 calls=0 final=0'],
    ['oversized', `${golden('openmpi-rank0-final.txt').trim()} ${'x=1 '.repeat(300)}`],
  ])('gives null for %s', (_why, text) => {
    expect(parseMpiReport(text)).toBeNull();
  });
});
