import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allocatedCores, allocatedGpus, countCpuList } from './allocation.ts';

/** The tail of a real /proc/self/status (2-CPU machine), with the affinity lines. */
const status = (list: string): string =>
  `Name:\tnode\nThreads:\t7\nCpus_allowed:\tff\nCpus_allowed_list:\t${list}\nMems_allowed_list:\t0\nvoluntary_ctxt_switches:\t5\n`;

describe('countCpuList', () => {
  it.each([
    ['0-3,8,10-11', 7], ['0', 1], ['0-1', 2], ['0-63\n', 64], ['1,3,5,7', 4], ['', 0], ['garbage', 0],
  ])('%j has %i CPUs', (list, n) => {
    expect(countCpuList(list)).toBe(n);
  });
});

describe('allocatedCores', () => {
  it('--cores wins over Slurm and the affinity mask', () => {
    expect(allocatedCores(3, { SLURM_CPUS_ON_NODE: '16' }, status('0-7'))).toEqual({ cores: 3, source: '--cores' });
  });

  it('SLURM_CPUS_ON_NODE comes next', () => {
    expect(allocatedCores(undefined, { SLURM_CPUS_ON_NODE: '16' }, status('0-7'))).toEqual({ cores: 16, source: 'SLURM_CPUS_ON_NODE' });
  });

  it.each(['', '0', 'abc'])('an unusable SLURM_CPUS_ON_NODE=%j falls back to the affinity mask', (v) => {
    expect(allocatedCores(undefined, { SLURM_CPUS_ON_NODE: v }, status('0-3,8,10-11'))).toEqual({ cores: 7, source: 'affinity mask' });
  });

  it('counts Cpus_allowed_list from the status text', () => {
    expect(allocatedCores(undefined, {}, status('0-1'))).toEqual({ cores: 2, source: 'affinity mask' });
  });

  it('gives 1 core when the status has no affinity line', () => {
    expect(allocatedCores(undefined, {}, 'Name:\tx\n')).toEqual({ cores: 1, source: 'affinity mask' });
  });

  it('reads this process\'s own mask when no status is given', () => {
    expect(allocatedCores(undefined, {})).toEqual({ cores: availableParallelism(), source: 'affinity mask' });
  });
});

describe('allocatedGpus', () => {
  it('counts the devices the visibility variables leave, 0 when none restricts the run', () => {
    expect(allocatedGpus({ CUDA_VISIBLE_DEVICES: '0,1,2', PATH: '/bin', UNSET: undefined })).toBe(3);
    expect(allocatedGpus({ ROCR_VISIBLE_DEVICES: '0,1,2,3', HIP_VISIBLE_DEVICES: '1' })).toBe(1);
    expect(allocatedGpus({ CUDA_VISIBLE_DEVICES: 'NoDevFiles' })).toBe(0);
    expect(allocatedGpus({ PATH: '/bin' })).toBe(0);
  });
});
