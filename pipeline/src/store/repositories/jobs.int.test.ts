import { type Store, gpuUsage, hostUsage, runIdOfJob } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { catalogRow as row } from '../../testing/catalog-row.ts';
import { seededStore } from '../../testing/seeded-store.ts';
import { TEST_STORES } from '../../testing/test-stores.ts';

/** `runlens job`'s reads: the job's run, per-host use and per-GPU use, on both stores. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 300_000;

async function seed(store: Store): Promise<void> {
  const run = (run_id: string, job_id: string, startS: number) => row('runs', {
    run_id, job_id, app: 'md', user: 'ann', status: 'finished', start_ts: T0 + startS * 1000, end_ts: T0 + (startS + 60) * 1000, updated_ts: T0 + 90_000, hosts: ['n1', 'n2'], alloc_cores: 2 });
  // Job 77 ran twice (a requeue, or another cluster): the newest run answers.
  await store.insertRows('runs', [run('slurm-c-77-old', '77', 0), run('slurm-c-77', '77', 100), run('slurm-c-78', '78', 0)]);
  // n1: two processes at 1.5 + 0.5 cores for 10 ticks; n2: one at 0.5 core for 5 ticks; n1 writes 1000 B/s.
  const ps = (host: string, pid: number, cores: number, rss: number, ticks: number) => Array.from({ length: ticks }, (_, i) => row('process_samples', {
    ts: T0 + 100_000 + i * 1000, host, run_id: 'slurm-c-77', pid, start_ticks: 1, comm: 'md', interval_s: 1, cpu_user_cores: cores, cpu_sys_cores: 0, rss_bytes: rss + i,
    ...(host === 'n1' ? { read_bytes_per_s: 0, write_bytes_per_s: 1000 } : {}) }));
  await store.insertRows('process_samples', [...ps('n1', 10, 1.5, 1000, 10), ...ps('n1', 11, 0.5, 500, 10), ...ps('n2', 20, 0.5, 300, 5)]);
  await store.insertRows('cgroup_samples', [1, 2, 3].map((i) => row('cgroup_samples', {
    ts: T0 + 100_000 + i * 1000, host: 'n1', run_id: 'slurm-c-77', cgroup: '/slurm_n1/uid_1/job_77', version: 1, interval_s: 1, mem_usage_bytes: 4000 * i })));
  await store.insertRows('gpu_process_samples', [0, 1, 2].map((i) => row('gpu_process_samples', {
    ts: T0 + 100_000 + i * 1000, host: 'n2', run_id: 'slurm-c-77', gpu_uuid: 'GPU-a', pid: 20, comm: 'md', used_mem_bytes: 1000 + i })));
  await store.insertRows('gpu_samples', [0, 1, 2, 30].map((i) => row('gpu_samples', {
    ts: T0 + 100_000 + i * 1000, host: 'n2', gpu_index: 0, gpu_uuid: 'GPU-a', gpu_name: 'H100', util_ratio: i === 30 ? 0 : 0.6 })));
}

describe.each(TEST_STORES)('jobs repository on %s', (_name, available, open) => {
  const db = seededStore(available, open, seed);

  it.runIf(available)('finds the newest run of a job id, and none for an unknown one', async () => {
    expect(await runIdOfJob(db.store, '77')).toBe('slurm-c-77');
    expect(await runIdOfJob(db.store, '79')).toBeNull();
  });

  it.runIf(available)('integrates CPU, peak memory and IO per host', async () => {
    const [n1, n2] = await hostUsage(db.store, 'slurm-c-77');
    expect(n1).toMatchObject({ host: 'n1', cpu_s: 20, sampled_s: 10, peak_rss_bytes: 1009 + 509, peak_cgroup_bytes: 12_000, read_bytes: 0, write_bytes: 20_000 });
    expect(n2).toMatchObject({ host: 'n2', cpu_s: 2.5, sampled_s: 5, peak_rss_bytes: 304, peak_cgroup_bytes: null });
    expect(await hostUsage(db.store, 'slurm-c-78')).toEqual([]);
  });

  it.runIf(available)('gives each GPU the run used its utilisation while the run was on it, and its peak memory', async () => {
    expect(await gpuUsage(db.store, 'slurm-c-77')).toEqual([{ host: 'n2', gpu_uuid: 'GPU-a', util_mean: expect.closeTo(0.6, 6), mem_peak_bytes: 1002 }]);
  });
});
