import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countCpuList, usableCores } from './usable-cores.ts';

/** A fake /proc and /sys: this process's status and cgroup files, and the cgroup fs they point into. */
function roots(status: string, cgroup: string, files: Record<string, string>): { proc: string; sys: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rl-usable-'));
  const proc = join(dir, 'proc');
  const sys = join(dir, 'sys');
  mkdirSync(join(proc, 'self'), { recursive: true });
  writeFileSync(join(proc, 'self', 'status'), status);
  writeFileSync(join(proc, 'self', 'cgroup'), cgroup);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(sys, 'fs', 'cgroup', rel, '..'), { recursive: true });
    writeFileSync(join(sys, 'fs', 'cgroup', rel), text);
  }
  return { proc, sys };
}

describe('usableCores', () => {
  it('counts CPU lists', () => {
    expect(countCpuList('0-3,8,10-11')).toBe(7);
    expect(countCpuList('')).toBe(0);
  });

  it('is the cpuset when no quota limits it', () => {
    const r = roots('Name:\tx\nCpus_allowed_list:\t0-1,4\n', '4:cpu,cpuacct:/\n', { 'cpu/cpu.cfs_quota_us': '-1\n', 'cpu/cpu.cfs_period_us': '100000\n' });
    expect(usableCores(r.proc, r.sys)).toBe(3);
  });

  it('takes the tightest v1 quota of the cgroup and its ancestors', () => {
    const r = roots('Cpus_allowed_list:\t0-7\n', '4:cpu,cpuacct:/node/slot\n', {
      'cpu/node/cpu.cfs_quota_us': '150000', 'cpu/node/cpu.cfs_period_us': '100000',
      'cpu/node/slot/cpu.cfs_quota_us': '-1', 'cpu/node/slot/cpu.cfs_period_us': '100000',
    });
    expect(usableCores(r.proc, r.sys)).toBe(1.5);
  });

  it('reads v2 cpu.max, and is null when nothing can be read', () => {
    const r = roots('Cpus_allowed_list:\t0-3\n', '0::/ct\n', { 'ct/cpu.max': '50000 100000\n', 'cpu.max': 'max 100000\n' });
    expect(usableCores(r.proc, r.sys)).toBe(0.5);
    const none = roots('', '', {});
    expect(usableCores(none.proc, none.sys)).toBeNull();
  });
});
