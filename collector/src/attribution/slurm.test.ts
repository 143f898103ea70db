import { describe, expect, it } from 'vitest';
import { cgroupPaths, slurmFromCgroupFile, slurmFromCgroupPath, slurmFromEnv, slurmRunId } from './slurm.ts';

// 13 Crockford base32 characters (no I, L, O, U) after the 's'.
const SLUID = 's0123456789ABC';
const SLUID_WITH_U = 's0123456789ABU';

describe('slurmFromCgroupPath', () => {
  it('reads job and step from the cgroup v1 layout', () => {
    expect(slurmFromCgroupPath('/slurm/uid_1000/job_123/step_0/task_0')).toEqual({ job_id: '123', sluid: '', step: '0' });
  });

  it('reads job and step from the cgroup v2 slurmstepd layout', () => {
    expect(slurmFromCgroupPath('/system.slice/slurmstepd.scope/job_98765/step_batch/user/task_0'))
      .toEqual({ job_id: '98765', sluid: '', step: 'batch' });
  });

  it('gives an empty step for the job-level cgroup', () => {
    expect(slurmFromCgroupPath('/slurm/uid_1000/job_123')).toEqual({ job_id: '123', sluid: '', step: '' });
  });

  it('accepts a SLUID job segment and lower-cases it', () => {
    expect(slurmFromCgroupPath(`/system.slice/slurmstepd.scope/job_${SLUID}/step_2`))
      .toEqual({ job_id: '', sluid: SLUID.toLowerCase(), step: '2' });
  });

  it.each([
    ['U is not Crockford base32', `/slurm/job_${SLUID_WITH_U}/step_0`],
    ['I is not Crockford base32', '/slurm/job_s0123456789ABI/step_0'],
    ['12 characters', '/slurm/job_s0123456789AB/step_0'],
    ['14 characters', '/slurm/job_s0123456789ABCD/step_0'],
    ['no s prefix', '/slurm/job_00123456789ABC/step_0x'],
    ['a name, not an id', '/docker/job_builder/step_0'],
    ['no job segment', '/user.slice/user-1000.slice/session-3.scope'],
    ['empty', ''],
  ])('rejects %s', (_why, path) => {
    expect(slurmFromCgroupPath(path)).toBeNull();
  });

  it('ignores a step segment that comes before any job', () => {
    expect(slurmFromCgroupPath('/step_9/job_5')).toEqual({ job_id: '5', sluid: '', step: '' });
  });
});

describe('/proc/<pid>/cgroup text', () => {
  const v1 = [
    '12:pids:/slurm/uid_1000/job_4242/step_1/task_0',
    '11:memory:/slurm/uid_1000/job_4242/step_1/task_0',
    '10:cpuset:/slurm/uid_1000/job_4242/step_1',
    '1:name=systemd:/system.slice/slurmd.service',
    '',
  ].join('\n');

  it('lists every path of a v1 file, keeping colons inside the path', () => {
    expect(cgroupPaths(`${v1}0::/a:b/c\n`)).toEqual([
      '/slurm/uid_1000/job_4242/step_1/task_0', '/slurm/uid_1000/job_4242/step_1/task_0',
      '/slurm/uid_1000/job_4242/step_1', '/system.slice/slurmd.service', '/a:b/c',
    ]);
  });

  it('finds the job in a multi-line v1 file', () => {
    expect(slurmFromCgroupFile(v1)).toEqual({ job_id: '4242', sluid: '', step: '1' });
  });

  it('finds the job in a v2 file and none in a non-Slurm one', () => {
    expect(slurmFromCgroupFile('0::/system.slice/slurmstepd.scope/job_77/step_0/user/task_3\n')).toEqual({ job_id: '77', sluid: '', step: '0' });
    expect(slurmFromCgroupFile('0::/user.slice/user-1000.slice/session-2.scope\n')).toBeNull();
    expect(slurmFromCgroupFile('')).toBeNull();
  });
});

describe('slurmFromEnv', () => {
  const env = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

  it('reads SLURM_JOB_ID and SLURM_STEP_ID', () => {
    expect(slurmFromEnv(env({ SLURM_JOB_ID: '123', SLURM_STEP_ID: '0' }))).toEqual({ job_id: '123', sluid: '', step: '0' });
  });

  it('a Slurm Prolog/Epilog (SLURM_SCRIPT_CONTEXT, as slurmd 22.05 sets it) is not the job', () => {
    expect(slurmFromEnv(env({ SLURM_JOB_ID: '123', SLURM_SCRIPT_CONTEXT: 'prolog_slurmd' }))).toBeNull();
  });

  it('falls back to the old SLURM_JOBID spelling', () => {
    expect(slurmFromEnv(env({ SLURM_JOBID: '55' }))).toEqual({ job_id: '55', sluid: '', step: '' });
  });

  it('reads a valid SLURM_JOB_SLUID and rejects one with a U', () => {
    expect(slurmFromEnv(env({ SLURM_JOB_SLUID: SLUID, SLURM_STEP_ID: '3' }))).toEqual({ job_id: '', sluid: SLUID.toLowerCase(), step: '3' });
    expect(slurmFromEnv(env({ SLURM_JOB_SLUID: SLUID_WITH_U }))).toBeNull();
    expect(slurmFromEnv(env({ SLURM_JOB_ID: '9', SLURM_JOB_SLUID: SLUID_WITH_U }))).toEqual({ job_id: '9', sluid: '', step: '' });
  });

  it('returns null outside Slurm or for a non-numeric job id', () => {
    expect(slurmFromEnv(env({ HOME: '/root' }))).toBeNull();
    expect(slurmFromEnv(env({ SLURM_JOB_ID: '12a' }))).toBeNull();
  });
});

describe('slurmRunId', () => {
  it('prefers the SLUID and falls back to the numeric id', () => {
    expect(slurmRunId({ job_id: '123', sluid: '', step: '0' }, 'c1')).toBe('slurm-c1-123');
    expect(slurmRunId({ job_id: '123', sluid: 's0123456789abc', step: '0' }, 'c1')).toBe('slurm-c1-s0123456789abc');
  });
});
