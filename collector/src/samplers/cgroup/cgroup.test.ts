import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext, JobCgroupTarget, RunTarget, SamplerInstance, Tick } from '../../sampler.ts';
import { cgroupSampler } from './index.ts';
import { parseBlkioBytes, parseMemLimit, parseProcCgroup } from './parse.ts';

const TD = join(import.meta.dirname, 'testdata');
const golden = (p: string): string => readFileSync(join(TD, p), 'latin1');
const uptime = (snap: string): number => Number(golden(`${snap}/uptime`).split(' ')[0]);
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as HostContext['log'];
const RUN: RunTarget = { run_id: 'run-a', root_pid: 4242 };
const tick = (mono_s: number, runs: readonly RunTarget[] = [RUN], jobs: readonly JobCgroupTarget[] = []): Tick =>
  ({ ts: Math.round(mono_s * 1000), mono_s, runs, attribute: () => null, observeProcesses: () => {}, jobCgroups: () => jobs });
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

async function make(root: string): Promise<SamplerInstance> {
  const host: HostContext = { host: 'h1', procRoot: join(root, 'proc'), sysRoot: join(root, 'sys'), clkTck: 100, pageSize: 4096, log: silent };
  const s = await cgroupSampler.create({}, host);
  if (isAbsent(s)) throw new Error(s.absent);
  return s;
}

/** Plays snapshot t0 then t1 of a captured tree through one sampler instance. */
async function play(prefix: string, runs: readonly RunTarget[] = [RUN], jobs: readonly JobCgroupTarget[] = []) {
  const root = mkdtempSync(join(tmpdir(), 'cgroup-sampler-'));
  dirs.push(root);
  cpSync(join(TD, `${prefix}-t0`), root, { recursive: true });
  const s = await make(root);
  const first = await s.sample(tick(uptime(`${prefix}-t0`), runs, jobs));
  cpSync(join(TD, `${prefix}-t1`), root, { recursive: true });
  const second = await s.sample(tick(uptime(`${prefix}-t1`), runs, jobs));
  return { first: first.cgroup_samples ?? [], second: second.cgroup_samples ?? [] };
}

describe('cgroup v1 (captured here: 0.5-core quota, 100 MiB written + 50 MiB read with O_DIRECT, busy loop)', () => {
  it('reports the throttled busy loop at its 0.5-core quota', async () => {
    const { first, second } = await play('v1');
    expect(first).toEqual([]);
    expect(second).toHaveLength(1);
    const r = second[0];
    const dt = 393.37 - 391.15;
    expect(r?.version).toBe(1);
    expect(r?.cgroup).toBe('/runlens_golden');
    expect(r?.cpu_usage_cores).toBeCloseTo((2137080694 - 1063155365) / 1e9 / dt, 9);
    expect(r?.cpu_usage_cores ?? 0).toBeLessThanOrEqual(0.5);
    expect(r?.cpu_quota_cores).toBe(0.5);
    expect(r?.cpu_throttled_ratio).toBeCloseTo(20 / 22, 9);
  });

  it('counts the bytes dd wrote and read, and the memory limit', async () => {
    const r = (await play('v1')).second[0];
    const dt = 393.37 - 391.15;
    expect(r?.io_write_bytes_per_s).toBeCloseTo(100 * 2 ** 20 / dt, 6);
    expect(r?.io_read_bytes_per_s ?? 0).toBeGreaterThanOrEqual(50 * 2 ** 20 / dt);
    expect(r?.io_read_bytes_per_s ?? 0).toBeLessThan(1.01 * 50 * 2 ** 20 / dt);
    expect(r?.mem_limit_bytes).toBe(536870912);
    expect(r?.mem_usage_bytes).toBe(782336);
  });

  it('emits one row per (run, cgroup) when runs share a cgroup', async () => {
    const runs = [RUN, { run_id: 'run-b', root_pid: 4242 }, RUN];
    const rows = (await play('v1', runs)).second;
    expect(rows.map((r) => r.run_id).sort()).toEqual(['run-a', 'run-b']);
  });
});

describe('cgroup v2 (hand-written pure-v2 tree, kernel file formats)', () => {
  it('reads usage_usec, cpu.max, memory.current/max and io.stat', async () => {
    const r = (await play('v2')).second[0];
    expect(r?.version).toBe(2);
    expect(r?.cgroup).toBe('/slurm/job_42');
    expect(r?.cpu_usage_cores).toBeCloseTo(2, 9); // 4 s of CPU in 2 s
    expect(r?.cpu_quota_cores).toBe(2);
    expect(r?.cpu_throttled_ratio).toBeCloseTo(5 / 20, 9);
    expect(r?.mem_usage_bytes).toBe(2147483648);
    expect(r?.mem_limit_bytes).toBeNull();
    expect(r?.io_write_bytes_per_s).toBeCloseTo(209715200 / 2, 6);
    expect(r?.io_read_bytes_per_s).toBeCloseTo(20971520 / 2, 6);
  });
});

describe('Slurm jobs the agent found, at their job cgroup (captured: Slurm 22.05 job 1, sbatch --mem=100M, cgroup v1)', () => {
  const job = (snap: string): JobCgroupTarget => ({ run_id: 'slurm-tb-1', proc_cgroup: golden(`${snap}/proc/4242/cgroup`) });

  it('reports the job cgroup\'s memory limit (the --mem) and usage, not the task\'s or the host\'s', async () => {
    const { first, second } = await play('slurm', [], [job('slurm-t0')]);
    expect(first).toEqual([]);
    expect(second).toHaveLength(1); // cpu, cpuacct and blkio are at '/' for this job: no host-wide row
    expect(second[0]).toMatchObject({
      run_id: 'slurm-tb-1', version: 1, cgroup: '/slurm_rlgnode1/uid_0/job_1',
      mem_limit_bytes: 100 * 2 ** 20, mem_usage_bytes: 54423552, cpu_usage_cores: null, cpu_quota_cores: null,
    });
    expect(second[0]?.interval_s).toBeCloseTo(4984.26 - 4982.22, 9);
  });

  it('emits nothing once the job cgroup is gone, and nothing for a job known only by its environment', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-sampler-'));
    dirs.push(root);
    cpSync(join(TD, 'slurm-t0'), root, { recursive: true });
    const s = await make(root);
    await s.sample(tick(1, [], [job('slurm-t0')]));
    rmSync(join(root, 'sys/fs/cgroup/memory/slurm_rlgnode1'), { recursive: true });
    const envOnly = { run_id: 'slurm-tb-2', proc_cgroup: '4:memory:/user.slice\n0::/\n' };
    expect((await s.sample(tick(2, [], [job('slurm-t0'), envOnly]))).cgroup_samples).toEqual([]);
  });

  it('adds the CPU cgroup the job inherited from slurmd where it has a quota (captured: testbed node at 0.25 cores)', async () => {
    // Slurm 22.05 on v1 leaves the job's cpu controller where slurmd was: the node's quota cgroup.
    const quota = { run_id: 'slurm-tb-2', proc_cgroup: golden('slurm-quota-t0/proc/4242/cgroup') };
    const rows = (await play('slurm-quota', [], [quota])).second;
    expect(rows.map((r) => [r.cgroup, r.cpu_quota_cores, r.cpu_throttled_ratio, r.mem_limit_bytes])).toEqual([
      ['/slurm_rlcnode3/uid_1001/job_2', null, null, 100 * 2 ** 20],
      ['/slurm_rlcnode3', 0.25, 1, null], // 25 of 25 CFS periods throttled between the captures
    ]);
  });

  it('leaves out an inherited CPU cgroup without a quota: its usage would be the node\'s, not the job\'s', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-sampler-'));
    dirs.push(root);
    cpSync(join(TD, 'slurm-quota-t0'), root, { recursive: true });
    writeFileSync(join(root, 'sys/fs/cgroup/cpu/slurm_rlcnode3/cpu.cfs_quota_us'), '-1\n');
    const s = await make(root);
    const quota = { run_id: 'slurm-tb-2', proc_cgroup: golden('slurm-quota-t0/proc/4242/cgroup') };
    await s.sample(tick(1, [], [quota]));
    expect(((await s.sample(tick(2, [], [quota]))).cgroup_samples ?? []).map((r) => r.cgroup)).toEqual(['/slurm_rlcnode3/uid_1001/job_2']);
  });

  it('cuts a cgroup v2 step/task path to the job (hand-written v2 tree)', async () => {
    const v2 = { run_id: 'slurm-c-42', proc_cgroup: '0::/slurm/job_42/step_0/user/task_0\n' };
    const rows = (await play('v2', [], [v2])).second;
    expect(rows.map((r) => [r.run_id, r.cgroup, r.cpu_quota_cores])).toEqual([['slurm-c-42', '/slurm/job_42', 2]]);
  });
});

describe('cgroup parsers and probes on hostile input', () => {
  it('treats the v1 "unlimited" memory limit as null', () => {
    expect(parseMemLimit(golden('memory.limit_unlimited'))).toBeNull();
    expect(parseMemLimit('max\n')).toBeNull();
    expect(parseMemLimit('garbage')).toBeNull();
  });

  it('sums per-device blkio lines and skips garbage and the Total line', () => {
    expect(parseBlkioBytes(golden('blkio.hostile'))).toEqual({ read: 100, write: 50 });
  });

  it('keeps colons inside cgroup paths and splits combined controllers', () => {
    const e = parseProcCgroup(golden('proc-cgroup.hostile'));
    expect(e.map((x) => x.path)).toEqual(['/a:b/c', '/', '/slurm/job_7']);
    expect(e[2]?.controllers).toEqual(['cpu', 'cpuacct']);
  });

  it('is Absent when no cgroup fs is mounted', async () => {
    const host: HostContext = { host: 'h', procRoot: '/proc', sysRoot: '/nonexistent', clkTck: 100, pageSize: 4096, log: silent };
    const s = await cgroupSampler.create({}, host);
    expect(isAbsent(s) ? s.absent : '').toMatch(/^cgroup: no cgroup fs/);
  });

  it('skips a run whose root process has vanished', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-sampler-'));
    dirs.push(root);
    cpSync(join(TD, 'v1-t0'), root, { recursive: true });
    const s = await make(root);
    expect((await s.sample(tick(1, [{ run_id: 'x', root_pid: 999999 }]))).cgroup_samples).toEqual([]);
  });
});

describe('cgroup sampler on this machine', () => {
  it('samples the cgroups of this test process for two ticks', async () => {
    const host: HostContext = { host: 'h', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log: silent };
    const s = await cgroupSampler.create({}, host);
    if (isAbsent(s)) throw new Error(s.absent);
    const runs = [{ run_id: 'live', root_pid: process.pid }];
    await s.sample(tick(performance.now() / 1000, runs));
    const t = Date.now();
    while (Date.now() - t < 300) { /* burn CPU so usage is visible */ }
    const rows = (await s.sample(tick(performance.now() / 1000, runs))).cgroup_samples ?? [];
    expect(rows.length).toBeGreaterThan(0);
    const cpu = rows.map((r) => r.cpu_usage_cores).filter((x): x is number => x !== null);
    expect(cpu.length).toBeGreaterThan(0);
    for (const c of cpu) expect(c).toBeGreaterThan(0.2);
    for (const c of cpu) expect(c).toBeLessThan(availableParallelism() * 1.1);
    expect(rows.some((r) => (r.mem_usage_bytes ?? 0) > 1e6)).toBe(true);
  });
});
