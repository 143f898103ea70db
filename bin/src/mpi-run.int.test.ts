import { buildMpiNative } from '@runlens/collector';
import { type RunReport, runReportSchema } from '@runlens/schemas';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './testing/cli-harness.ts';

/*
 * Runs with MPI ranks end to end (issue 10 item 7, issue 9 item 4 on one machine): real
 * Open MPI `mpirun`, the mpiwork workload and the PMPI library built with mpicc, real /proc,
 * the embedded store. Open MPI's waiting ranks spin (its default), so in /proc every rank is busy.
 */
const hasMpicc = spawnSync('mpicc', ['--version']).status === 0;
// Open MPI refuses to run as root without these; oversubscribe lets 2 ranks start on any machine.
const MPI_ENV = { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', OMPI_MCA_rmaps_base_oversubscribe: '1' };
const SECONDS = '15';

let dataDir = '';
let mpiwork = '';

beforeAll(() => {
  if (!hasMpicc) return;
  dataDir = tempDir('runlens-mpi-');
  // The cache `runlens run --mpi` uses for this data directory: built once, found there by every run.
  const built = buildMpiNative(join(dataDir, 'cache', 'mpi'));
  if ('absent' in built) throw new Error(built.absent);
  mpiwork = built.mpiwork;
}, 180_000);

async function monitored(opts: string[], cmd: string[]): Promise<{ report: RunReport; stderr: string; stdout: string }> {
  const json = join(tempDir(), 'report.json');
  const r = await runCli(['run', '--json', json, ...opts, '--', ...cmd], { ...MPI_ENV, RUNLENS_DATA_DIR: dataDir });
  if (!existsSync(json)) throw new Error(`no report; exit ${r.code}\n${r.stderr}`);
  expect(r.code, r.stderr).toBe(0);
  return { report: runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8'))), stderr: r.stderr, stdout: r.stdout };
}

const kinds = (r: RunReport): string[] => r.findings.map((f) => f.kind);

/** Computing on its cores: cpu_bound, or, on a machine others load, interference that says who took them. */
function expectComputing(r: RunReport): void {
  console.log(`[mpi-run] ${JSON.stringify({ cmd: r.run.cmd.split('/').pop(), findings: kinds(r), cpu_cores_mean: Number(r.summary.cpu_cores_mean.toFixed(2)) })}`);
  const interference = r.findings.find((f) => f.kind === 'cpu_interference');
  if (!interference) expect(kinds(r)).toContain('cpu_bound');
  else expect(kinds(r).includes('cpu_bound') || r.summary.cpu_cores_mean < 1.2).toBe(true);
}

describe.skipIf(!hasMpicc)('runlens run on mpirun jobs (skipped: no mpicc; install openmpi-bin libopenmpi-dev)', () => {
  it('2 ranks computing on 2 cores are cpu_bound, as stress-ng --cpu 2 is (issue 10 item 7)', async () => {
    const { report } = await monitored(['--cores', '2'], ['mpirun', '-np', '2', mpiwork, SECONDS]);
    expect(report.summary.top_processes.filter((p) => p.comm === 'mpiwork').map((p) => p.rank).sort()).toEqual([0, 1]);
    expectComputing(report);
    expect(kinds(report)).not.toContain('load_imbalance');
    expect(report.summary.mpi).toBeUndefined();
  }, 120_000);

  it('--mpi: unequal work (1:4) is load_imbalance naming rank 1 heavy, though both ranks spin busy', async () => {
    const { report, stderr, stdout } = await monitored(['--cores', '2', '--mpi'], ['mpirun', '-np', '2', mpiwork, SECONDS, '1,4']);
    expect(stdout).toMatch(/mpiwork: 2 ranks/);
    const f = report.findings.find((x) => x.kind === 'load_imbalance');
    expect(f?.evidence).toMatchObject({ source: 'mpi', heavy_ranks: '1', light_ranks: '0' });
    expect(f?.message).toMatch(/heavy ranks 1/);
    const [r0, r1] = [0, 1].map((k) => report.summary.mpi?.find((m) => m.rank === k));
    expect(r0 && r1 && r1.mpi_share < r0.mpi_share && r1.compute_cpu_s > 2 * r0.compute_cpu_s).toBe(true);
    expect(stderr).toMatch(/time in MPI\s+rank/);
    // Every rank's report was read and removed: nothing is left behind for the next run.
    expect(readdirSync(join(dataDir, 'mpi'))).toEqual([]);
  }, 120_000);

  it('--mpi: the balanced version computes, with no load_imbalance, and shows each rank\'s time in MPI', async () => {
    const { report } = await monitored(['--cores', '2', '--mpi'], ['mpirun', '-np', '2', mpiwork, SECONDS, '1,1']);
    expect(kinds(report)).not.toContain('load_imbalance');
    expectComputing(report);
    expect(report.summary.mpi?.map((m) => m.rank)).toEqual([0, 1]);
    for (const m of report.summary.mpi ?? []) expect(m.wall_s).toBeGreaterThan(Number(SECONDS) - 1);
  }, 120_000);
});
