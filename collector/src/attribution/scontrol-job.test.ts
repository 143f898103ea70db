import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duration, parseScontrolJob } from './scontrol-job.ts';
import { expandHostlist } from './hostlist.ts';

/** Golden files: `scontrol show job -d -o ID` of Debian's slurm 22.05.8 on the testbed (deploy/testbed). */
const golden = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', 'scontrol', name), 'utf8');

describe('parseScontrolJob on real slurm 22.05 output', () => {
  it('reads a running 2-node job with unequal CPUs per node', () => {
    const j = parseScontrolJob(golden('running-uneven.txt'));
    expect(j).toMatchObject({
      job_id: '2', name: 'x2', user: 'rltest', uid: 1001, account: '', partition: 'rl', state: 'RUNNING', exit_code: null,
      time_limit_s: 300, nodes: ['rlnode1', 'rlnode2'], cpus_total: 3, mem_bytes: 600 * 1024 ** 2, gpus_total: 0, command: '',
    });
    expect(Object.fromEntries(j?.cpus_per_node ?? [])).toEqual({ rlnode1: 2, rlnode2: 1 });
    expect(j?.end_ms).toBe(new Date('2026-11-27T18:11:11').getTime());
  });

  it('reads end states and exit codes: COMPLETED 0, CANCELLED by signal 15 → 143', () => {
    expect(parseScontrolJob(golden('completed.txt'))).toMatchObject({ state: 'COMPLETED', exit_code: 0, name: 'myapp', time_limit_s: null, stdout_path: '/tmp/rl-1.out', stderr_path: '/tmp/rl-1.out' });
    expect(parseScontrolJob(golden('completing-failed.txt'))).toMatchObject({ stdout_path: '', stderr_path: '' });
    expect(parseScontrolJob(golden('cancelled.txt'))).toMatchObject({ state: 'CANCELLED', exit_code: 143 });
    expect(parseScontrolJob(golden('cancelled-completing.txt'))).toMatchObject({ state: 'COMPLETING' });
  });

  it('a group of nodes shares one CPU_IDs entry', () => {
    const j = parseScontrolJob(golden('completed.txt'));
    expect(Object.fromEntries(j?.cpus_per_node ?? [])).toEqual({ rlnode1: 1, rlnode2: 1 });
  });
});

describe('parseScontrolJob on hostile input', () => {
  it('gives null for errors, empty output and garbage', () => {
    for (const t of ['', 'slurm_load_jobs error: Invalid job id specified', '=====', 'JobId=abc JobName=x', '\0\0\0']) {
      expect(parseScontrolJob(t)).toBeNull();
    }
  });

  it('survives every truncation of a real record', () => {
    const text = golden('running-uneven.txt');
    for (let n = 0; n <= text.length; n += 7) expect(() => parseScontrolJob(text.slice(0, n))).not.toThrow();
  });

  it('keeps spaces in values, takes TRES GPUs and state flags apart, bounds huge input', () => {
    const j = parseScontrolJob('JobId=9 JobName=a b UserId=u(5) JobState=FAILED+REQUEUED ExitCode=2:0 TRES=cpu=4,mem=1.5G,gres/gpu=2 '
      + 'WorkDir=/x y Nodes=g[1-2] CPU_IDs=0-1,4 Mem=1 GRES=gpu:a100:2(IDX:0-1)');
    expect(j).toMatchObject({ name: 'a b', state: 'FAILED', exit_code: 2, gpus_total: 2, mem_bytes: 1.5 * 1024 ** 3 });
    expect(Object.fromEntries(j?.cpus_per_node ?? [])).toEqual({ g1: 3, g2: 3 });
    expect(Object.fromEntries(j?.gpus_per_node ?? [])).toEqual({ g1: 2, g2: 2 });
    expect(parseScontrolJob(`JobId=1 JobName=${'x'.repeat(1_000_000)}`)?.name.length).toBeLessThanOrEqual(64 * 1024);
  });

  it('random bytes never throw', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'JobId=12 Nodes=[]-,:CPU_IDs=TRES=mem=ExitCode=()\n ';
    for (let i = 0; i < 500; i++) {
      const s = Array.from({ length: Math.floor(rnd() * 200) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      expect(() => parseScontrolJob(`JobId=1 ${s}`)).not.toThrow();
    }
  });
});

describe('duration and hostlists', () => {
  it('reads Slurm durations', () => {
    expect(duration('UNLIMITED')).toBeNull();
    expect(duration('00:05:00')).toBe(300);
    expect(duration('1-02:00:00')).toBe(93_600);
    expect(duration('10:30')).toBe(630);
  });

  it('expands hostlists, keeping zero padding, and refuses what it cannot bound', () => {
    expect(expandHostlist('n[1-3,5],gpu[08-10],login')).toEqual(['n1', 'n2', 'n3', 'n5', 'gpu08', 'gpu09', 'gpu10', 'login']);
    expect(expandHostlist('n[1-1000000]')).toBeNull();
    expect(expandHostlist('n[3-1]')).toBeNull();
    expect(expandHostlist('n[1-2')).toBeNull();
    expect(expandHostlist('')).toEqual([]);
  });
});
