import { openChdbStore, openClickHouseStore } from '@runlens/pipeline';
import { catalogRow as row, startClickHouse } from '@runlens/pipeline/testing/index';
import { type JobSummary, type Store, jobSummarySchema } from '@runlens/schemas';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from './testing/cli-harness.ts';

/**
 * `runlens job JOBID` on a chDB data directory, as a user runs it: a 2-node Slurm job (rows as
 * the node agents write them) summarised with a line per node, as text and as JSON.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
const dir = tempDir('runlens-job-');
const tags = ['slurm_state=TIMEOUT', 'job_name=md', 'account=phys', 'partition=batch', 'req_cpus=4', 'req_gpus=0', 'nodes=2',
  'req_mem_bytes=2147483648', 'time_limit_s=120', 'cpus_per_node=n1:3,n2:1', 'slurm_hooks=prolog,epilog'];

async function seed(store: Store): Promise<void> {
  await store.insertRows('runs', [row('runs', {
    run_id: 'slurm-tb-4242', job_id: '4242', app: 'md', user: 'ann', cluster: 'tb', cmd: '/home/ann/md.sh', status: 'failed', exit_code: 143,
    start_ts: T0, end_ts: T0 + 100_000, updated_ts: T0 + 100_000, hosts: ['n1', 'n2'], alloc_cores: 1, tags })]);
  // n1: 1.5 of its 3 cores for the whole 100 s (50%); n2: its 1 core for 25 s (25%).
  const ps = (host: string, cores: number, ticks: number, rss: number) => Array.from({ length: ticks }, (_, i) => row('process_samples', {
    ts: T0 + i * 1000, host, run_id: 'slurm-tb-4242', pid: 7, start_ticks: 1, comm: 'md', interval_s: 1, cpu_user_cores: cores, rss_bytes: rss, write_bytes_per_s: 1024 }));
  await store.insertRows('process_samples', [...ps('n1', 1.5, 100, 512 * 2 ** 20), ...ps('n2', 1, 25, 256 * 2 ** 20)]);
  await store.insertRows('findings', [row('findings', {
    run_id: 'slurm-tb-4242', finding_id: 'low', kind: 'low_cpu_utilization', severity: 'warning', scope: 'run', start_ts: T0, end_ts: T0 + 100_000,
    updated_ts: T0, confidence: 0.9, message: 'half the allocated cores idle', advice: 'ask for fewer cores', evidence: '{}' })]);
}

beforeAll(async () => {
  const store = await openChdbStore({ path: join(dir, 'chdb') });
  await seed(store);
  await store.close();
}, 120_000);

const hasClickHouse = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasClickHouse)('runlens job on the cluster store (ClickHouse 18.16 server)', () => {
  it('reads RUNLENS_STORE=clickhouse settings and links the dashboard', async () => {
    const server = await startClickHouse();
    const database = `t_job_${Date.now()}`;
    const store = await openClickHouseStore({ url: server.url, database, username: 'default', password: '' });
    try {
      await store.migrate();
      await seed(store);
      const r = await runCli(['job', '4242', '--json'], {
        RUNLENS_STORE: 'clickhouse', RUNLENS_CLICKHOUSE_URL: server.url, RUNLENS_CLICKHOUSE_DATABASE: database, RUNLENS_DASHBOARD_URL: 'http://dash.example:7070/',
      });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const j = jobSummarySchema.parse(JSON.parse(r.stdout));
      expect(j.nodes.map((n) => [n.host, n.alloc_cores, n.cpu_efficiency])).toEqual([['n1', 3, 0.5], ['n2', 1, 0.25]]);
      expect(j.dashboard_url).toBe('http://dash.example:7070/runs/slurm-tb-4242');
    } finally {
      await store.close();
      await server.stop();
    }
  }, 180_000);
});

describe('runlens job', () => {
  const env = { RUNLENS_DATA_DIR: dir };

  it('prints state, elapsed against the limit, and a line per node with its CPU efficiency against its cores', async () => {
    const r = await runCli(['job', '4242'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    console.log(r.stdout);
    expect(r.stdout).toContain('TIMEOUT  (exit 143');
    expect(r.stdout).toMatch(/elapsed\s+1 min 40 s\s+\(83% of the 2 min 0 s limit\)/);
    expect(r.stdout).toMatch(/CPU\s+2 min 55 s of 4 allocated cores\s+\(efficiency 44%\)/);
    expect(r.stdout).toMatch(/^\s+n1\s+3\s+50%\s+512\.0 MiB\s+n\/a\s+1\.0 GiB/m);
    expect(r.stdout).toMatch(/^\s+n2\s+1\s+25%\s+256\.0 MiB/m);
    expect(r.stdout).toContain('low_cpu_utilization: half the allocated cores idle');
  }, 120_000);

  it('--json gives the same summary as data; an unknown job exits 1 and says so', async () => {
    const r = await runCli(['job', '4242', '--json'], env);
    expect(r.code).toBe(0);
    const j: JobSummary = jobSummarySchema.parse(JSON.parse(r.stdout));
    expect(j).toMatchObject({ job_id: '4242', scheduler_state: 'TIMEOUT', account: 'phys', time_limit_s: 120, elapsed_s: 100 });
    expect(j.nodes.map((n) => [n.host, n.alloc_cores, n.cpu_efficiency])).toEqual([['n1', 3, 0.5], ['n2', 1, 0.25]]);
    expect(j.totals).toMatchObject({ cpu_s: 175, alloc_cores: 4, write_bytes: 125 * 1024 });
    const missing = await runCli(['job', '999'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run of job 999');
  }, 120_000);

  it('while runlens up owns the data directory, up answers over its socket with the same summary', async () => {
    const up = startCli(['up'], { ...env, RUNLENS_HTTP_PORT: '0' });
    let stderr = '';
    up.child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    try {
      const deadline = Date.now() + 120_000;
      while (!stderr.includes('"runlens up"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(stderr, 'up started').toContain('"runlens up"');
      const r = await runCli(['job', '4242', '--json'], env);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const j = jobSummarySchema.parse(JSON.parse(r.stdout));
      expect(j.nodes.map((n) => [n.host, n.alloc_cores, n.cpu_efficiency])).toEqual([['n1', 3, 0.5], ['n2', 1, 0.25]]);
    } finally {
      up.child.kill('SIGTERM');
      await up.done;
    }
  }, 180_000);
});
