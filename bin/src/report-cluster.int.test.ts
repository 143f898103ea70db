import { openClickHouseStore } from '@runlens/pipeline';
import { catalogRow as row, startClickHouse } from '@runlens/pipeline/testing/index';
import { runReportSchema } from '@runlens/schemas';
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing/cli-harness.ts';

/**
 * `runlens report RUN_ID` against the cluster store (RUNLENS_STORE=clickhouse), as `runlens job`:
 * a run the cluster roles wrote into Debian's ClickHouse 18.16 server, read back by a user's CLI.
 */
const hasClickHouse = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { stdio: 'ignore' }).status === 0;
const T0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;

describe.runIf(hasClickHouse)('runlens report on the cluster store (ClickHouse 18.16 server)', () => {
  it('prints the run, its findings and its per-process table from RUNLENS_CLICKHOUSE_URL; an unknown run exits 1', async () => {
    const server = await startClickHouse();
    const database = `t_report_${Date.now()}`;
    const store = await openClickHouseStore({ url: server.url, database, username: 'default', password: '' });
    try {
      await store.migrate();
      await store.insertRows('runs', [row('runs', {
        run_id: 'slurm-tb-77', job_id: '77', app: 'cfd', user: 'ann', cluster: 'tb', cmd: '/home/ann/cfd', status: 'finished', exit_code: 0,
        start_ts: T0, end_ts: T0 + 60_000, updated_ts: T0 + 60_000, hosts: ['n1'], alloc_cores: 4 })]);
      await store.insertRows('process_samples', Array.from({ length: 60 }, (_, i) => row('process_samples', {
        ts: T0 + i * 1000, host: 'n1', run_id: 'slurm-tb-77', pid: 9, start_ticks: 1, comm: 'cfd', interval_s: 1, cpu_user_cores: 1, rss_bytes: 300 * 2 ** 20 })));
      await store.insertRows('findings', [row('findings', {
        run_id: 'slurm-tb-77', finding_id: 'low', kind: 'low_cpu_utilization', severity: 'warning', scope: 'run', start_ts: T0, end_ts: T0 + 60_000,
        updated_ts: T0, confidence: 0.9, message: 'three of four cores idle', advice: 'ask for one core', evidence: '{}' })]);
      const env = { RUNLENS_STORE: 'clickhouse', RUNLENS_CLICKHOUSE_URL: server.url, RUNLENS_CLICKHOUSE_DATABASE: database };
      const json = await runCli(['report', 'slurm-tb-77', '--json'], env);
      expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
      const r = runReportSchema.parse(JSON.parse(json.stdout));
      expect([r.run.app, r.run.user, r.findings.map((f) => f.kind)]).toEqual(['cfd', 'ann', ['low_cpu_utilization']]);
      expect(r.summary.cpu_cores_mean).toBeCloseTo(1, 1);
      expect(r.summary.top_processes.map((p) => [p.pid, p.comm])).toEqual([[9, 'cfd']]);
      const text = await runCli(['report', 'slurm-tb-77'], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('three of four cores idle');
      const none = await runCli(['report', 'no-such-run'], env);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('no run no-such-run in the store at RUNLENS_CLICKHOUSE_URL');
      // `runlens runs` keeps to the caller's own runs unless --user or --all says otherwise (sacct's rule).
      await store.insertRows('runs', [row('runs', {
        run_id: 'slurm-tb-78', job_id: '78', app: 'md', user: 'bob', cluster: 'tb', cmd: '/home/bob/md', status: 'running', start_ts: T0 + 1000, updated_ts: T0 + 1000, hosts: ['n2'], alloc_cores: 8 })]);
      const ids = async (...args: string[]): Promise<string[]> => {
        const r = await runCli(['runs', '--json', ...args], env);
        expect(r.code, r.stderr).toBe(0);
        return (JSON.parse(r.stdout) as { run_id: string }[]).map((x) => x.run_id);
      };
      expect(await ids()).toEqual(userInfo().username === 'ann' ? ['slurm-tb-77'] : []);
      expect(await ids('--user', 'ann')).toEqual(['slurm-tb-77']);
      expect(await ids('--all')).toEqual(['slurm-tb-78', 'slurm-tb-77']);
      expect(await ids('--all', '--status', 'running')).toEqual(['slurm-tb-78']);
      const all = await runCli(['runs', '--all'], env);
      // No summary and no CPU totals in the row: no efficiency to show. A running run's wall is its time so far.
      expect(all.stdout).toMatch(/\nslurm-tb-78 +md +bob +[\d-]+ [\d:]+ +\d+ min \d+ s\+ running +1 +- +-\n/);
      expect(all.stdout).toMatch(/\nslurm-tb-77 +cfd +ann +[\d-]+ [\d:]+ +1 min 0 s exit 0 +1 +- +\[!\] low_cpu_utilization\n$/);
    } finally {
      await store.close();
      await server.stop();
    }
  }, 180_000);
});
