import { ConfigError } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join('\n');
    throw e;
  }
  return '';
};

describe('embedded configuration', () => {
  it('names an unknown sampler id and the valid ones instead of ignoring the typo', () => {
    const problems = problemsOf({ RUNLENS_SAMPLERS: 'proces,node, gpux' });
    expect(problems).toContain('RUNLENS_SAMPLERS');
    expect(problems).toContain('proces, gpux');
    expect(problems).toContain('valid ids: process, node, cgroup, gpu, ib, node_profile, kernel_events, mpi');
  });
  it('reports the sampler typo together with the other problems', () => {
    const problems = problemsOf({ RUNLENS_SAMPLERS: 'proces', RUNLENS_HTTP_PORT: '99999' });
    expect(problems).toContain('RUNLENS_SAMPLERS');
    expect(problems).toContain('RUNLENS_HTTP_PORT');
  });
  it('enables the listed samplers in registry order, every sampler when unset', () => {
    expect(loadConfig({ RUNLENS_SAMPLERS: ' node , process' }).samplers).toEqual(['process', 'node']);
    expect(loadConfig({}).samplers).toEqual(['process', 'node', 'cgroup', 'gpu', 'ib', 'node_profile', 'kernel_events', 'mpi']);
  });
  it('passes what a run inherits from the scheduler and the shell by name, and nothing else of the environment', () => {
    expect(loadConfig({ SLURM_JOB_ID: '9', SLURM_CPUS_ON_NODE: '4', CUDA_VISIBLE_DEVICES: '0', LD_PRELOAD: '/x.so', PATH: '/bin', HOME: '/root' }).inherited)
      .toEqual({ SLURM_JOB_ID: '9', SLURM_CPUS_ON_NODE: '4', CUDA_VISIBLE_DEVICES: '0', LD_PRELOAD: '/x.so' });
    expect(loadConfig({}).inherited).toEqual({ SLURM_JOB_ID: '' });
  });
  it('reads extra HTTP host names as a lower-cased list', () => {
    expect(loadConfig({ RUNLENS_HTTP_ALLOWED_HOSTS: 'RunLens.example.org, box:8443' }).httpAllowedHosts).toEqual(['runlens.example.org', 'box:8443']);
    expect(loadConfig({}).httpAllowedHosts).toEqual([]);
  });
});
