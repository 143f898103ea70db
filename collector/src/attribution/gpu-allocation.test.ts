import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocatedGpuCount, gpuAllocationFromEnv, gpuAllocationOfPid, parseVisibleList } from './gpu-allocation.ts';

let root = '';
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'gpu-alloc-')); });
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A hand-built /proc/<pid>/environ: NUL-separated, NUL-terminated, as the kernel writes it. */
function environ(pid: number, env: Record<string, string>): void {
  mkdirSync(join(root, String(pid)), { recursive: true });
  writeFileSync(join(root, String(pid), 'environ'), `PATH=/usr/bin\0${Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\0')}\0`);
}
const env = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));
const UUID = 'GPU-8f6d2c1e-3b4a-4e5f-9a7b-0c1d2e3f4a5b';

describe('visible-device lists', () => {
  it('reads indices and UUIDs, stops at the first invalid entry like the CUDA runtime', () => {
    expect(parseVisibleList('0,2,3')).toEqual(['0', '2', '3']);
    expect(parseVisibleList(` ${UUID} , 1`)).toEqual([UUID, '1']);
    expect(parseVisibleList('MIG-GPU-8f6d2c1e-3b4a/1/0')).toEqual(['MIG-GPU-8f6d2c1e-3b4a/1/0']);
    expect(parseVisibleList('0,1,-1,3')).toEqual(['0', '1']);
    expect(parseVisibleList('-1')).toEqual([]);
    expect(parseVisibleList('')).toEqual([]);
    expect(parseVisibleList('NoDevFiles')).toEqual([]);
    expect(parseVisibleList('1,1,2')).toEqual(['1', '2']);
  });
});

describe('gpu allocation from a process environment', () => {
  it('takes CUDA_VISIBLE_DEVICES first and host indices from SLURM_JOB_GPUS when counts agree', () => {
    expect(gpuAllocationFromEnv(env({ CUDA_VISIBLE_DEVICES: '0,1', SLURM_JOB_GPUS: '4,5', ROCR_VISIBLE_DEVICES: '3' })))
      .toEqual({ source: 'CUDA_VISIBLE_DEVICES', devices: ['0', '1'], host_indices: [4, 5] });
    expect(gpuAllocationFromEnv(env({ CUDA_VISIBLE_DEVICES: '0', SLURM_JOB_GPUS: '4,5' }))?.host_indices).toBeNull();
  });

  it('applies HIP_VISIBLE_DEVICES inside ROCR_VISIBLE_DEVICES (AMD)', () => {
    expect(gpuAllocationFromEnv(env({ ROCR_VISIBLE_DEVICES: '4,5,6', HIP_VISIBLE_DEVICES: '2,0' }))?.devices).toEqual(['6', '4']);
    expect(gpuAllocationFromEnv(env({ ROCR_VISIBLE_DEVICES: '4,5', HIP_VISIBLE_DEVICES: '1,7,0' }))?.devices).toEqual(['5']);
    expect(gpuAllocationFromEnv(env({ HIP_VISIBLE_DEVICES: '3' }))).toMatchObject({ source: 'HIP_VISIBLE_DEVICES', devices: ['3'] });
  });

  it('reads Ascend, and tells "no restriction" (null) from "no GPU" (empty)', () => {
    expect(gpuAllocationFromEnv(env({ ASCEND_RT_VISIBLE_DEVICES: '0,1,2,3' }))?.devices).toHaveLength(4);
    expect(gpuAllocationFromEnv(env({ OMP_NUM_THREADS: '4' }))).toBeNull();
    expect(gpuAllocationFromEnv(env({ CUDA_VISIBLE_DEVICES: '' }))?.devices).toEqual([]);
  });
});

describe('a run\'s GPUs from hand-built /proc environ files', () => {
  it('unions its ranks: two ranks bound to one GPU each, a third sharing GPU 1, a helper without the variable', () => {
    environ(100, { CUDA_VISIBLE_DEVICES: '0', RANK: '0' });
    environ(101, { CUDA_VISIBLE_DEVICES: '1', RANK: '1' });
    environ(102, { CUDA_VISIBLE_DEVICES: '1', RANK: '2' });
    environ(103, { HOME: '/root' });
    const allocs = [100, 101, 102, 103, 999].map((pid) => gpuAllocationOfPid(root, pid)); // 999: vanished
    expect(allocs[3]).toBeNull();
    expect(allocs[4]).toBeNull();
    expect(allocatedGpuCount(allocs)).toBe(2);
  });

  it('counts by host index under Slurm, where every task sees its GPU as 0', () => {
    environ(200, { CUDA_VISIBLE_DEVICES: '0,1', SLURM_JOB_GPUS: '2,3' });
    environ(201, { CUDA_VISIBLE_DEVICES: '0,1', SLURM_JOB_GPUS: '2,3' });
    expect(allocatedGpuCount([gpuAllocationOfPid(root, 200), gpuAllocationOfPid(root, 201)])).toBe(2);
    environ(202, { ROCR_VISIBLE_DEVICES: '0,1,2,3,4,5,6,7' });
    expect(allocatedGpuCount([gpuAllocationOfPid(root, 202)])).toBe(8);
    expect(allocatedGpuCount([])).toBe(0);
  });
});
