import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpusPerNode, prologMessage, slurmHookCommand, wrappedCommand } from './slurm-hook.ts';

// slurmd 22.05's Prolog environment, captured in deploy/testbed (PrologFlags=Alloc, sbatch -N2 --mem=100M).
const env = Object.fromEntries(readFileSync(join(import.meta.dirname, '..', '..', 'testdata', 'slurm-prolog-env.txt'), 'utf8')
  .split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('runlens slurm prolog', () => {
  it('without scontrol, still tells who, where and how many cores from slurmd\'s environment', () => {
    const c = { ...env, RUNLENS_AGENT_SOCKET: '/x.sock', RUNLENS_SCONTROL: 'scontrol', RUNLENS_SLURM_HOOK_TIMEOUT_MS: 4000, SLURM_JOB_UID: 1001 };
    expect(prologMessage(c as never, null)).toMatchObject({
      op: 'slurm_start', node: 'rslnode1', job_id: '1', user: 'rlslurm', uid: 1001, partition: 'rsl', nodes: ['rslnode1', 'rslnode2'],
      cpus_per_node: { rslnode1: 1, rslnode2: 1 },
    });
  });

  it('reads SLURM_JOB_CPUS_PER_NODE in NodeList order, and gives nothing when it does not fit', () => {
    expect(cpusPerNode('2(x3),1', ['a', 'b', 'c', 'd'])).toEqual({ a: 2, b: 2, c: 2, d: 1 });
    expect(cpusPerNode('2(x3)', ['a', 'b'])).toEqual({});
    expect(cpusPerNode('2(x99999)', ['a'])).toEqual({});
    expect(cpusPerNode('garbage', ['a'])).toEqual({});
  });

  it('takes an sbatch --wrap job\'s command from its generated script (as scontrol write batch_script prints it)', () => {
    expect(wrappedCommand('#!/bin/sh\n# This script was created by sbatch --wrap.\n\nsrun stress-ng --cpu 1 --timeout 8s\n')).toBe('srun stress-ng --cpu 1 --timeout 8s');
    expect(wrappedCommand('#!/bin/bash\n#SBATCH -N2\nsrun ./md\n')).toBe('');
  });

  it('exits 0 when the job environment is missing or no agent listens', async () => {
    expect(await slurmHookCommand('prolog', {})).toBe(0);
    const started = Date.now();
    expect(await slurmHookCommand('epilog', { ...env, RUNLENS_AGENT_SOCKET: '/nonexistent/agent.sock', RUNLENS_SCONTROL: '/bin/false' })).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
