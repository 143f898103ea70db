import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskPrologExports } from './slurm-task-prolog.ts';

describe('runlens slurm task-prolog', () => {
  const lib = join(mkdtempSync(join(tmpdir(), 'runlens-task-prolog-')), 'librunlens_pmpi.so');
  writeFileSync(lib, '');
  const node = { RUNLENS_MPI_LIB: lib, RUNLENS_MPI_DIR: '/var/spool/runlens/mpi' };

  it('exports the library ahead of what the task preloads, and the agent\'s report directory, for a job that opts in', () => {
    expect(taskPrologExports({ ...node, RUNLENS_MPI: '1', LD_PRELOAD: '/opt/x.so' })).toEqual({
      lines: [`export LD_PRELOAD=${lib}:/opt/x.so`, 'export RUNLENS_MPI_DIR=/var/spool/runlens/mpi'],
    });
  });

  it('does not preload the library twice (srun inside a batch step that has it)', () => {
    expect(taskPrologExports({ ...node, RUNLENS_MPI: '1', LD_PRELOAD: lib })).toEqual({
      lines: [`export LD_PRELOAD=${lib}`, 'export RUNLENS_MPI_DIR=/var/spool/runlens/mpi'],
    });
  });

  it('exports nothing for a job that did not opt in', () => {
    expect(taskPrologExports({ ...node })).toEqual({ lines: [] });
    expect(taskPrologExports({ ...node, RUNLENS_MPI: '0' })).toEqual({ lines: [] });
  });

  it('says why when the node is not set up: no library, no directory, or a value that would break slurmd\'s line', () => {
    expect(taskPrologExports({ ...node, RUNLENS_MPI: '1', RUNLENS_MPI_LIB: '/nonexistent/lib.so' })).toMatchObject({ why: expect.stringContaining('no PMPI library') });
    expect(taskPrologExports({ RUNLENS_MPI_LIB: lib, RUNLENS_MPI: '1' })).toMatchObject({ why: expect.stringContaining('RUNLENS_MPI_DIR') });
    expect(taskPrologExports({ ...node, RUNLENS_MPI: '1', RUNLENS_MPI_DIR: '/a b\nexport X=1' })).toMatchObject({ why: expect.any(String) });
  });
});
