import { buildReport } from '@runlens/analyzer';
import { parseScontrolJob } from '@runlens/collector';
import { type Store, openClickHouseStore } from '@runlens/pipeline';
import { freePort } from '@runlens/pipeline/testing/servers';
import { type Finding, type RunRecord, type RunReport, appRuns, baselineRuns, createLogger, findingsOfRun, runById, sleep, summarisedEfficiencies, visibleAppsAndUsers } from '@runlens/schemas';
import { type DashboardHandle, serveApi } from '@runlens/web';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlurmTestbed, sh } from './testing/slurm-testbed.ts';
import { storedCounts } from './testing/stored-counts.ts';

/**
 * The whole cluster path on one machine (deploy/testbed up + stack-up): 3 real slurmd nodes,
 * each with its own `runlens agent` in its network namespace → Kafka on the hub bridge →
 * `runlens ingest` → ClickHouse 18.16, and `runlens analyze`. Node 3 runs at half the CPU quota
 * of its peers (0.15 against 0.3 cores). An unprivileged user's 3-node job does the same CPU
 * work on every node; the store must show one run over 3 hosts with Slurm's identity, closed
 * as COMPLETED within 10 s of the job's end, and `slow_node` on node 3 only. Then two apps
 * with the same command, run twice each on nodes 1-2, must get separate baselines.
 */
const USER = 'rlslurm';
const APP = 'clusterapp';
const [APP_A, APP_B] = ['baseapp_a', 'baseapp_b'];
// Each node's first job lands on CPU 0 (task/cgroup ConstrainCores), so 0.3 + 0.3 + 0.15 cores share one CPU.
const QUOTAS = '0.3,0.3,0.15';
// A fixed state directory: a run that crashed leaves it behind, and the next run's `down` cleans up by it.
const testbed = new SlurmTestbed('rlk', '10.232.9', '/tmp/runlens-testbed-rlk');
const nodes = [1, 2, 3].map((i) => testbed.node(i));
const log = (what: string, fields: Record<string, unknown>): void => console.log(`[slurm-cluster] ${what} ${JSON.stringify(fields)}`);

describe.skipIf(!SlurmTestbed.usable())('the cluster path on a 3-node Slurm testbed, one node at half its CPU quota', () => {
  let store: Store | null = null;
  let jobRun = '';

  beforeAll(async () => {
    await testbed.down().catch(() => '');
    await sh('sh', ['-c', `id -u ${USER} >/dev/null 2>&1 || useradd -M -s /bin/sh ${USER} || id -u ${USER}`]);
    const t0 = Date.now();
    await testbed.up(3, ['--cpu-quota', QUOTAS]);
    const port = await freePort();
    await testbed.stackUp(['--no-dashboard', '--clickhouse-port', String(port)]);
    log('stack up', { seconds: (Date.now() - t0) / 1000 });
    store = await openClickHouseStore({ url: `http://127.0.0.1:${port}`, database: 'runlens' });
  }, 300_000);

  afterAll(async () => {
    await store?.close();
    const t0 = Date.now();
    const out = await testbed.down().catch((e: unknown) => `down failed: ${String(e)}`);
    log('down', { seconds: (Date.now() - t0) / 1000, out: out.trim() });
  }, 150_000);

  const job = async (id: string) => parseScontrolJob(await testbed.client(null, ['scontrol', 'show', 'job', '-d', '-o', id]));

  it('one run over 3 hosts with Slurm\'s app, user and cores, closed as COMPLETED in time, slow_node on the throttled node only', async () => {
    const db = store;
    if (!db) throw new Error('no store');
    // The same fixed CPU work on every node: 6000 bogo-ops of one integer stressor (~3 s of one core).
    const out = await testbed.client(USER, ['sbatch', '--parsable', '-N3', '--ntasks-per-node=1', '-J', APP, '-o', '/dev/null',
      '--wrap', 'srun stress-ng --cpu 1 --cpu-method int64 --cpu-ops 6000 -q']);
    const id = out.trim().split(';')[0] ?? '';
    const runId = `slurm-rlktestbed-${id}`;
    let closed: { row: RunRecord; seenAt: number } | null = null;
    let info = await job(id);
    const deadline = Date.now() + 150_000;
    while (!(closed && info?.state === 'COMPLETED')) {
      if (Date.now() > deadline) throw new Error(`job ${id} (${info?.state}) or its run (${JSON.stringify(await runById(db, runId))}) did not close`);
      await sleep(250);
      if (info?.state !== 'COMPLETED') info = await job(id);
      const row: RunRecord | null = closed ? null : await runById(db, runId);
      if (row && row.status !== 'running') closed = { row, seenAt: Date.now() };
    }
    const endMs = info?.end_ms ?? 0;
    const lag = closed.seenAt - endMs;
    log('run closed', { job: id, slurm_end: new Date(endMs).toISOString(), end_ms: closed.row.end_ms, seen_closed_after_ms: lag, row: closed.row });
    expect(closed.row).toMatchObject({ app: APP, user: USER, status: 'finished', exit_code: 0, job_id: id });
    expect([...closed.row.hosts].sort()).toEqual(nodes);
    expect(closed.row.tags).toContain('slurm_state=COMPLETED');
    expect(closed.row.alloc_cores).toBeGreaterThan(0);
    for (const n of nodes) expect(info?.cpus_per_node.get(n), `Slurm's cores on ${n}`).toBe(closed.row.alloc_cores);
    expect(Math.abs((closed.row.end_ms ?? 0) - endMs), 'end_ts is Slurm\'s EndTime').toBeLessThanOrEqual(1000);
    expect(lag, 'closed in the store within 10 s of EndTime (1 s resolution)').toBeLessThan(11_000);
    const samples = await storedCounts(db, 'process_samples', 'host', `run_id = '${runId}'`);
    expect([...samples.keys()].sort(), 'every node\'s agent sampled the run').toEqual(nodes);

    // The analyzer finishes the run (its summary) once the end arrives; its findings are final then.
    const findings = await settledFindings(db, runId);
    const slow = findings.filter((f) => f.kind === 'slow_node');
    log('findings', { kinds: findings.map((f) => `${f.kind}@${f.host}`), slow_node: slow.map((f) => ({ host: f.host, message: f.message, evidence: f.evidence })) });
    expect(slow.map((f) => f.host), 'slow_node on the throttled node and no other').toEqual([testbed.node(3)]);
    expect(slow[0]?.message).toContain('CPU quota throttling');
    // Its wait for CPU is its quota's: not blamed on the machine's other processes.
    expect(findings.filter((f) => f.kind === 'cpu_interference' && f.host === testbed.node(3))).toEqual([]);
    jobRun = runId;
  }, 240_000);

  it('the job\'s user sees the run through the API over the cluster store, another user gets 403, ops see it', async () => {
    if (!store || !jobRun) throw new Error('the job test did not finish');
    const api = await apiOver(store);
    try {
      const [mine, other, ops] = await Promise.all(['mine', 'other', 'ops'].map((who) => api.get(who, `/api/runs/${jobRun}/report`)));
      expect(mine?.status).toBe(200);
      expect(((await mine?.json()) as { run: { user: string; app: string; hosts: string[] } }).run).toMatchObject({ user: USER, app: APP });
      expect(other?.status).toBe(403);
      expect(ops?.status).toBe(200);
      const listed = async (who: string): Promise<string[]> => ((await (await api.get(who, '/api/runs')).json()) as { runs: { run_id: string }[] }).runs.map((r) => r.run_id);
      expect(await listed('mine')).toContain(jobRun);
      expect(await listed('other')).not.toContain(jobRun);
    } finally {
      api.close();
    }
  }, 60_000);

  it('two jobs with different names get separate app baselines, though their command is the same', async () => {
    const db = store;
    if (!db) throw new Error('no store');
    // One command for both apps (the same fingerprint), B with 3× A's work: only the job name tells them apart.
    const pair = ([a, b]: string[]): Promise<RunReport[]> => Promise.all([[APP_A, 1500, a], [APP_B, 4500, b]].map(async ([name, ops, node]) => {
      const out = await testbed.client(USER, ['sbatch', '--parsable', '-N1', '-w', String(node), '-J', String(name), '-o', '/dev/null',
        `--export=ALL,OPS=${ops}`, '--wrap', 'srun stress-ng --cpu 1 --cpu-method int64 --cpu-ops $OPS -q']);
      const runId = `slurm-rlktestbed-${out.trim().split(';')[0] ?? ''}`;
      await settledFindings(db, runId, 150_000);
      const report = await buildReport(db, runId);
      if (!report) throw new Error(`no report of ${runId}`);
      return report;
    }));
    // Round 2 starts after both round-1 runs ended: were the apps mixed, each second run would see 2 earlier runs.
    const [a1, b1] = await pair([nodes[0] ?? '', nodes[1] ?? '']);
    const [a2, b2] = await pair([nodes[1] ?? '', nodes[0] ?? '']);
    if (!a1 || !b1 || !a2 || !b2) throw new Error('a job has no report');
    const summarised = async (app: string) => (await baselineRuns(db, { app, fingerprint: '', exclude_run: '', ended_before_ms: Date.now() })).map((r) => ({ run_id: r.run_id, app: r.app, fingerprint: r.fingerprint, wall_s: r.wall_s }));
    log('baselines', { runs: Object.fromEntries([a1, b1, a2, b2].map((r) => [r.run.run_id, { app: r.run.app, start_ts: r.run.start_ts, end_ts: r.run.end_ts, wall_s: r.summary.wall_s, baseline: r.baseline }])),
      summarised: { [APP_A]: await summarised(APP_A), [APP_B]: await summarised(APP_B) } });
    for (const [first, second, other] of [[a1, a2, b1], [b1, b2, a1]] as const) {
      expect(first.baseline).toMatchObject({ app: first.run.app, runs: 0 });
      expect(second.baseline, `${second.run.run_id} is judged against ${first.run.run_id} alone`).toMatchObject({ app: first.run.app, runs: 1 });
      const median = second.baseline?.wall_s_median ?? Number.NaN;
      expect(Math.abs(median - first.summary.wall_s), 'the baseline is the same app\'s first run, not the other app\'s')
        .toBeLessThan(Math.abs(median - other.summary.wall_s));
      expect(second.findings.map((f) => f.kind)).not.toContain('regression');
    }
    const ops = { user: 'olga', role: 'ops' } as const;
    expect((await visibleAppsAndUsers(db, ops)).apps).toEqual(expect.arrayContaining([APP, APP_A, APP_B]));
    expect((await appRuns(db, ops, APP_A)).map((r) => r.run_id).sort()).toEqual([a1.run.run_id, a2.run.run_id].sort());
    expect((await appRuns(db, ops, APP_B)).map((r) => r.run_id).sort()).toEqual([b1.run.run_id, b2.run.run_id].sort());
  }, 420_000);
});

/** The HTTP API (web/) over the cluster store, with bearer tokens for the job's user, another user and ops. */
async function apiOver(store: Store): Promise<{ get(who: string, path: string): Promise<Response>; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-slurm-api-'));
  const tokens = { mine: 'm'.repeat(40), other: 'o'.repeat(40), ops: 'p'.repeat(40) } as Record<string, string>;
  writeFileSync(join(dir, 'api-tokens.json'), JSON.stringify([
    { token: tokens.mine, user: USER, role: 'user' }, { token: tokens.other, user: 'someoneelse', role: 'user' }, { token: tokens.ops, user: 'olga', role: 'ops' }]));
  const building = (): DashboardHandle => ({ state: () => 'building', handle: async (_q, res) => { res.writeHead(503).end(); }, close: () => Promise.resolve() });
  const server = serveApi(store, { tokensPath: join(dir, 'api-tokens.json'), port: 0, startDashboard: building }, createLogger('error', {}));
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    get: (who, path) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${tokens[who] ?? ''}` } }),
    close: () => { server.close(); },
  };
}

/** The run's findings once its summary is stored (the analyzer finished it), waiting up to a minute or `timeoutMs`. */
async function settledFindings(store: Store, runId: string, timeoutMs = 60_000): Promise<Finding[]> {
  const deadline = Date.now() + timeoutMs;
  while (!(await summarisedEfficiencies(store, [runId])).has(runId)) {
    if (Date.now() > deadline) throw new Error(`the analyzer did not finish ${runId}; see ${testbed.stackLog('analyze.log')}`);
    await sleep(1000);
  }
  await sleep(3000); // findings and the summary are written together; let ingest store the last batch
  return findingsOfRun(store, runId);
}
