import { Agent, BatchPublisher, buildMpiNative, createSamplers, parseScontrolJob, readHostFacts, scontrolQuery } from '@runlens/collector';
import { AnalyzerService } from '@runlens/analyzer';
import { MemoryBus, type Store, openChdbStore } from '@runlens/pipeline';
import { type Row, readRows, silentLogger, sleep, topicFor } from '@runlens/schemas';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './testing/cli-harness.ts';
import { SlurmTestbed, sh } from './testing/slurm-testbed.ts';

/**
 * An MPI job on 2 real Slurm nodes (deploy/testbed): 4 ranks of mpiwork launched by
 * `srun --mpi=pmix` inside an sbatch allocation (Slurm's PMIx plugin, each node its own TmpFS),
 * the PMPI library preloaded into every rank by Slurm's TaskProlog (`runlens slurm task-prolog`,
 * for a job with RUNLENS_MPI=1), one agent per node (process + mpi samplers, attribution by
 * the node's cgroup subtree) and the streaming analyzer on the same in-memory bus. Rank 3 does
 * 4× the work of the others; Open MPI's waiting ranks spin (its default).
 */
const USER = 'rlslurm';
const hasMpicc = spawnSync('mpicc', ['--version']).status === 0;
const TESTBED_DIR = tempDir('runlens-testbed-');
let testbed = new SlurmTestbed('mpt', '10.215.3', TESTBED_DIR);

describe.skipIf(!SlurmTestbed.usable() || !hasMpicc)(`MPI ranks across 2 Slurm nodes${SlurmTestbed.usable() && hasMpicc ? '' : ' (skipped: needs root, Slurm and mpicc)'}`, () => {
  const bus = new MemoryBus();
  const agents: Agent[] = [];
  const findings: Row<'findings'>[] = [];
  const mpiRows: { host: string; row: Row<'mpi_samples'> }[] = [];
  const summaries: Row<'run_summaries'>[] = [];
  let analyzer: AnalyzerService | null = null;
  let store: Store | null = null;
  let native = { lib: '', mpiwork: '' };
  let reports = '';

  beforeAll(async () => {
    const root = tempDir('runlens-mpi-tb-');
    chmodSync(root, 0o755); // the job runs as an unprivileged user
    const built = buildMpiNative(join(root, 'cache'));
    if ('absent' in built) throw new Error(built.absent);
    native = built;
    reports = join(root, 'reports');
    mkdirSync(reports);
    chmodSync(reports, 0o1777);
    await testbed.down().catch(() => '');
    await sh('sh', ['-c', `id -u ${USER} >/dev/null 2>&1 || useradd -M -s /bin/sh ${USER}`]);
    // Slurm's TaskProlog preloads this library into the tasks of jobs with RUNLENS_MPI=1; they report to `reports`.
    testbed = new SlurmTestbed('mpt', '10.215.3', TESTBED_DIR, { RUNLENS_TESTBED_MPI_LIB: native.lib, RUNLENS_TESTBED_MPI_DIR: reports });
    await testbed.up(2);
    const capture = <N extends 'findings' | 'mpi_samples' | 'run_summaries'>(table: N, f: (host: string, r: Row<N>) => void) =>
      bus.subscribe({ group: `capture-${table}`, topics: [topicFor(table)], eachBatch: async (b) => {
        for (const m of b.messages) for (const r of readRows(m, table)) f(m.key, r);
      } });
    await capture('findings', (_h, r) => findings.push(r));
    await capture('mpi_samples', (host, row) => mpiRows.push({ host, row }));
    await capture('run_summaries', (_h, r) => summaries.push(r));
    store = await openChdbStore({ path: join(root, 'store') });
    analyzer = new AnalyzerService({ bus, store, log: silentLogger, agentId: 'analyzer:mpi-tb', evalIntervalMs: 2000 });
    await analyzer.start();
    const scontrol = scontrolQuery({ argv: testbed.scontrolArgv(), timeoutMs: 10_000, env: { ...process.env, SLURM_CONF: `${testbed.dir}/etc/slurm.conf` } });
    for (const node of [testbed.node(1), testbed.node(2)]) {
      const host = { ...readHostFacts(node), procRoot: '/proc', sysRoot: '/sys', log: silentLogger };
      const { active } = await createSamplers(host, ['process', 'mpi'], { process: { include: 'runs' }, mpi: { dir: reports } }, silentLogger);
      const agent = new Agent({ host, samplers: active, publisher: new BatchPublisher(bus.producer(), node, node), cluster: 'tb', intervalMs: 1000, log: silentLogger, slurm: { node, scontrol } });
      agent.start();
      agents.push(agent);
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await analyzer?.stop();
    await bus.close();
    await store?.close();
    console.log(await testbed.down().catch((e: unknown) => `down failed: ${String(e)}`));
  }, 90_000);

  const until = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await sleep(500);
    }
  };
  const job = async (id: string) => parseScontrolJob(await testbed.client(null, ['scontrol', 'show', 'job', '-d', '-o', id]));

  /** Runs mpiwork with these weights as a 4-rank job on both nodes (ranks 0-1 on node 1, 2-3 on node 2); the run id once it is analysed. */
  async function mpiJob(name: string, weights: string): Promise<string> {
    const out = await testbed.client(USER, ['sbatch', '--parsable', '-N2', '-n4', '-J', name, '-o', '/dev/null', '--export=ALL,RUNLENS_MPI=1',
      '--wrap', `srun --mpi=pmix ${native.mpiwork} 15 ${weights}`]);
    const id = out.trim().split(';')[0] ?? '';
    const runId = `slurm-tb-${id}`;
    await until(`job ${id} completed`, async () => (await job(id))?.state === 'COMPLETED', 150_000);
    await until(`run ${runId} analysed at its end`, () => summaries.some((s) => s.run_id === runId), 60_000);
    return runId;
  }

  it('names rank 3 as the heavy rank of unequal work, from reports of ranks on both nodes', async () => {
    const runId = await mpiJob('mpiimb', '1,1,1,4');
    const rows = mpiRows.filter((m) => m.row.run_id === runId);
    expect(new Set(rows.map((m) => m.row.rank))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(rows.map((m) => m.host))).toEqual(new Set([testbed.node(1), testbed.node(2)]));
    const f = findings.filter((x) => x.run_id === runId && x.kind === 'load_imbalance').at(-1);
    const evidence = JSON.parse(f?.evidence ?? '{}') as Record<string, unknown>;
    console.log(`[mpi-testbed] ${JSON.stringify({ run: runId, message: f?.message, evidence })}`);
    expect(evidence).toMatchObject({ source: 'mpi', heavy_ranks: '3', ranks: 4 });
  }, 240_000);

  it('gives the balanced version no load_imbalance', async () => {
    const runId = await mpiJob('mpibal', '1,1,1,1');
    expect(new Set(mpiRows.filter((m) => m.row.run_id === runId).map((m) => m.row.rank))).toEqual(new Set([0, 1, 2, 3]));
    expect(findings.filter((x) => x.run_id === runId).map((x) => x.kind)).not.toContain('load_imbalance');
  }, 240_000);
});
