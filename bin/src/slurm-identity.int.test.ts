import { Agent, BatchPublisher, createSamplers, parseScontrolJob, readHostFacts, scontrolQuery } from '@runlens/collector';
import { buildJobSummary } from '@runlens/analyzer';
import { MemoryBus, openChdbStore } from '@runlens/pipeline';
import { type Row, readRows, silentLogger, sleep, topicFor } from '@runlens/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { serveAgentSocket } from './roles/agent-socket.ts';
import { RUNLENS_BIN, tempDir } from './testing/cli-harness.ts';
import { SlurmTestbed, sh } from './testing/slurm-testbed.ts';

/**
 * Scheduler identity and job end on a real Slurm 22.05 (deploy/testbed: slurmctld + 2 slurmd in
 * their own network/UTS/mount namespaces, munge, cgroup v1): an unprivileged user's 2-node job
 * is recorded by both nodes' agents with Slurm's app, user, cores and hosts, and closes with
 * Slurm's end state; each agent samples the job's cgroup on its node (memory limit = --mem).
 * Slurm's Prolog/Epilog run `runlens slurm prolog|epilog` on both nodes. Node 1's agent serves
 * the hook socket; node 2's does not, so node 2 shows the scontrol fallback and that a hook
 * with no agent to tell never fails the job.
 */
const USER = 'rlslurm';
const testbed = new SlurmTestbed('rsi', '10.231.0', tempDir('runlens-testbed-'), { RUNLENS_TESTBED_HOOKS: RUNLENS_BIN });
type Seen = { host: string; at: number; row: Row<'runs'> };
type CgroupSeen = { host: string; row: Row<'cgroup_samples'> };

describe.skipIf(!SlurmTestbed.usable())('Slurm identity and end, 2 real slurmd nodes', () => {
  const seen: Seen[] = [];
  const cgroupRows: CgroupSeen[] = [];
  const agents: Agent[] = [];
  let hookSocket: Server | null = null;
  const procRows: Row<'process_samples'>[] = [];
  let completedJob = '';
  const bus = new MemoryBus();

  beforeAll(async () => {
    await testbed.down().catch(() => '');
    await sh('sh', ['-c', `id -u ${USER} >/dev/null 2>&1 || useradd -M -s /bin/sh ${USER}`]);
    await testbed.up(2);
    await bus.subscribe({ group: 'capture', topics: [topicFor('runs')], eachBatch: async (b) => {
      for (const m of b.messages) for (const row of readRows(m, 'runs')) seen.push({ host: m.key, at: Date.now(), row });
    } });
    await bus.subscribe({ group: 'capture-process', topics: [topicFor('process_samples')], eachBatch: async (b) => {
      for (const m of b.messages) procRows.push(...readRows(m, 'process_samples'));
    } });
    await bus.subscribe({ group: 'capture-cgroup', topics: [topicFor('cgroup_samples')], eachBatch: async (b) => {
      for (const m of b.messages) for (const row of readRows(m, 'cgroup_samples')) cgroupRows.push({ host: m.key, row });
    } });
    const scontrol = scontrolQuery({ argv: testbed.scontrolArgv(), timeoutMs: 10_000, env: { ...process.env, SLURM_CONF: `${testbed.dir}/etc/slurm.conf` } });
    for (const node of [testbed.node(1), testbed.node(2)]) {
      const host = { ...readHostFacts(node), procRoot: '/proc', sysRoot: '/sys', log: silentLogger };
      const { active } = await createSamplers(host, ['process', 'cgroup'], { process: { include: 'runs' } }, silentLogger);
      const agent = new Agent({ host, samplers: active, publisher: new BatchPublisher(bus.producer(), node, node), cluster: 'tb', intervalMs: 1000, log: silentLogger, slurm: { node, scontrol } });
      agent.start();
      agents.push(agent);
      if (node === testbed.node(1)) hookSocket = serveAgentSocket(`${testbed.dir}/agents/${node}.sock`, agent, silentLogger);
    }
  }, 180_000);

  afterAll(async () => {
    hookSocket?.close();
    await Promise.all(agents.map((a) => a.stop()));
    await bus.close();
    console.log(await testbed.down().catch((e: unknown) => `down failed: ${String(e)}`));
  }, 90_000);

  const rowsOf = (jobId: string): Seen[] => seen.filter((s) => s.row.job_id === jobId);
  const closed = (jobId: string, host: string): Seen | undefined => rowsOf(jobId).find((s) => s.host === host && s.row.status !== 'running');
  const submit = async (args: string[], nodes = ['-N2']): Promise<string> => {
    const out = await testbed.client(USER, ['sbatch', '--parsable', ...nodes, '-o', '/dev/null', ...args]);
    return out.trim().split(';')[0] ?? '';
  };
  const until = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}; rows: ${JSON.stringify(seen.map((s) => [s.host, s.row.job_id, s.row.status, s.row.tags]))}`);
      await sleep(250);
    }
  };
  const job = async (id: string) => parseScontrolJob(await testbed.client(null, ['scontrol', 'show', 'job', '-d', '-o', id]));

  it('records app, user, cores and hosts from Slurm, and closes as COMPLETED within 10 s of the job\'s end', async () => {
    const id = await submit(['-J', 'myapp', '--mem=100M', '--wrap', 'srun stress-ng --cpu 1 --timeout 8s']);
    completedJob = id;
    const nodes = [testbed.node(1), testbed.node(2)];
    await until('job completed', async () => (await job(id))?.state === 'COMPLETED', 90_000);
    const info = await job(id);
    await until('both agents closed the run', () => nodes.every((n) => closed(id, n)), 30_000);
    for (const n of nodes) {
      const running = rowsOf(id).find((s) => s.host === n && s.row.status === 'running')?.row;
      const end = closed(id, n);
      const lag = (end?.at ?? 0) - (info?.end_ms ?? 0);
      console.log(`[slurm-identity] ${JSON.stringify({ job: id, host: n, close_lag_ms: lag, alloc_cores: end?.row.alloc_cores })}`);
      expect(running).toMatchObject({ app: 'myapp', user: USER, hosts: nodes, alloc_cores: info?.cpus_per_node.get(n), run_id: `slurm-tb-${id}` });
      expect(end?.row).toMatchObject({ app: 'myapp', user: USER, status: 'finished', exit_code: 0, hosts: nodes });
      expect(end?.row.tags).toContain('slurm_state=COMPLETED');
      expect(running?.tags.includes('slurm_hooks=prolog'), 'node 1 learnt the job from its prolog').toBe(n === testbed.node(1));
      expect(end?.row.tags.includes('slurm_hooks=prolog,epilog'), 'node 1 closed it at its epilog').toBe(n === testbed.node(1));
      // The --wrap job's command: from its batch script through the prolog (node 1); scontrol says (null).
      expect(end?.row.cmd).toBe(n === testbed.node(1) ? 'srun stress-ng --cpu 1 --timeout 8s' : '');
      expect(end?.row.alloc_cores).toBeGreaterThan(0);
      expect(end?.row.end_ts).not.toBeNull();
      expect(lag, 'close within 10 s of EndTime (1 s resolution)').toBeLessThan(11_000);
      const cg = cgroupRows.filter((c) => c.host === n && c.row.run_id === `slurm-tb-${id}`).map((c) => c.row);
      console.log(`[slurm-identity] ${JSON.stringify({ job: id, host: n, cgroup_rows: cg.length, cgroups: [...new Set(cg.map((r) => r.cgroup))] })}`);
      expect(cg.length, 'a cgroup_samples row per tick while the job ran').toBeGreaterThanOrEqual(3);
      for (const r of cg) expect(r).toMatchObject({ cgroup: expect.stringMatching(new RegExp(`^/slurm_${n}/uid_\\d+/job_${id}$`)), mem_limit_bytes: 100 * 2 ** 20 });
      expect(Math.max(...cg.map((r) => r.mem_usage_bytes ?? 0))).toBeGreaterThan(0);
    }
  }, 150_000);

  it('runlens job summarises it from the stored rows: a line per node, each against its own cores and --mem', async () => {
    const store = await openChdbStore({ path: `${testbed.dir}/chdb` });
    try {
      const runId = `slurm-tb-${completedJob}`;
      await store.insertRows('runs', rowsOf(completedJob).map((s) => s.row));
      await store.insertRows('process_samples', procRows.filter((r) => r.run_id === runId));
      await store.insertRows('cgroup_samples', cgroupRows.map((c) => c.row).filter((r) => r.run_id === runId));
      const j = await buildJobSummary(store, completedJob, { dashboardUrl: 'http://dash:7070' });
      console.log(`[slurm-identity] ${JSON.stringify(j?.nodes)}`);
      expect(j).toMatchObject({ job_id: completedJob, app: 'myapp', user: USER, scheduler_state: 'COMPLETED', dashboard_url: `http://dash:7070/runs/${runId}` });
      expect(j?.nodes.map((n) => [n.host, n.alloc_cores, n.mem_request_bytes])).toEqual([[testbed.node(1), 1, 100 * 2 ** 20], [testbed.node(2), 1, 100 * 2 ** 20]]);
      // stress-ng --cpu 1 for 8 s on its one core per node: measured, and never above its core (this
      // machine may be loaded many times over, so no lower bound beyond 'it ran').
      for (const n of j?.nodes ?? []) expect(n.cpu_efficiency).toBeGreaterThan(0);
      for (const n of j?.nodes ?? []) expect(n.cpu_efficiency).toBeLessThan(1.2);
      for (const n of j?.nodes ?? []) expect(n.peak_cgroup_bytes).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('scancel closes the run as CANCELLED on both nodes', async () => {
    const id = await submit(['-J', 'tocancel', '--wrap', 'srun sleep 120']);
    const nodes = [testbed.node(1), testbed.node(2)];
    await until('both agents announce it', () => nodes.every((n) => rowsOf(id).some((s) => s.host === n && s.row.app === 'tocancel')), 60_000);
    await testbed.client(null, ['scancel', id]);
    await until('both agents closed it', () => nodes.every((n) => closed(id, n)), 30_000);
    console.log(`[slurm-identity] ${JSON.stringify(rowsOf(id).map((s) => [s.host, s.row.status, s.row.exit_code, s.row.tags.filter((t) => /state|hooks/.test(t))]))}`);
    console.log(readFileSync(`${testbed.dir}/log/hooks.log`, 'utf8').split('\n').filter((l) => l.includes(`"job_id":"${id}"`)).join('\n'));
    for (const n of nodes) {
      expect(closed(id, n)?.row).toMatchObject({ status: 'failed', exit_code: 143, user: USER });
      expect(closed(id, n)?.row.tags).toContain('slurm_state=CANCELLED');
    }
    expect(closed(id, testbed.node(1))?.row.tags).toContain('slurm_hooks=prolog,epilog');
  }, 120_000);

  it('a job past its --time ends TIMEOUT and one past its --mem OUT_OF_MEMORY, on the epilog\'s word (node 1) and on scontrol\'s (node 2)', async () => {
    // The sleep first: without hooks (node 2) a job is found through its processes, and one that
    // dies within a tick would never be seen; with them (node 1) it would.
    const hog = 'sleep 3; python3 -c "import time; a = bytearray(300 * 2**20); time.sleep(5)"';
    const jobs: { id: string; node: string; state: string; exit: number }[] = [];
    for (const node of [testbed.node(1), testbed.node(2)]) {
      jobs.push({ id: await submit(['-J', 'overtime', '-t', '1', '--wrap', 'sleep 600'], ['-N1', '-w', node]), node, state: 'TIMEOUT', exit: 143 });
      jobs.push({ id: await submit(['-J', 'overmem', '--mem=50M', '--wrap', hog], ['-N1', '-w', node]), node, state: 'OUT_OF_MEMORY', exit: 253 });
    }
    // Slurm's minimum limit is 1 min; its time-limit sweep and KillWait=5 add up to ~40 s more.
    await until('all four closed', () => jobs.every((j) => closed(j.id, j.node)), 200_000);
    for (const j of jobs) {
      const info = await job(j.id);
      const end = closed(j.id, j.node)?.row;
      console.log(`[slurm-identity] ${JSON.stringify({ job: j.id, host: j.node, slurm: info?.state, status: end?.status, exit_code: end?.exit_code, tags: end?.tags })}`);
      expect(info?.state, 'what Slurm itself says').toBe(j.state);
      expect(end).toMatchObject({ status: 'failed', exit_code: j.exit, user: USER });
      expect(end?.tags).toContain(`slurm_state=${j.state}`);
      expect(end?.tags.includes('slurm_hooks=prolog,epilog')).toBe(j.node === testbed.node(1));
    }
    const hooks = readFileSync(`${testbed.dir}/log/hooks.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { hook: string; node: string; job_id: string; outcome: string });
    const ofJob = (j: (typeof jobs)[number]) => hooks.filter((h) => h.job_id === j.id).map((h) => `${h.hook}:${h.outcome}`).sort();
    for (const j of jobs) expect(ofJob(j)).toEqual(j.node === testbed.node(1) ? ['epilog:told', 'prolog:told'] : ['epilog:agent_unreachable', 'prolog:agent_unreachable']);
  }, 260_000);
});
