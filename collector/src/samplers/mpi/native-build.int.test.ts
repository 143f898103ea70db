import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMpiNative } from './native-build.ts';
import { parseMpiReport } from './parse.ts';

const hasMpicc = spawnSync('mpicc', ['--version']).status === 0;
const root = mkdtempSync(join(tmpdir(), 'mpi-native-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Open MPI refuses root without these; --oversubscribe lets 2 ranks start on any machine. */
const MPIRUN_ENV = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', OMPI_MCA_rmaps_base_oversubscribe: '1' };

describe.skipIf(!hasMpicc)('PMPI library and mpiwork, built with mpicc (skipped: no mpicc; install openmpi-bin libopenmpi-dev)', () => {
  it('builds once into the cache, and a heavy rank spends less of its time in MPI than a light one', () => {
    const built = buildMpiNative(join(root, 'cache'));
    if ('absent' in built) throw new Error(built.absent);
    const again = buildMpiNative(join(root, 'cache'));
    expect(again).toEqual(built);
    expect(statSync(built.lib).mtimeMs).toBe(statSync('lib' in again ? again.lib : '').mtimeMs);
    const reports = join(root, 'reports');
    mkdirSync(reports);
    const r = spawnSync('mpirun', ['-np', '2', built.mpiwork, '4', '1,4'], {
      encoding: 'utf8', timeout: 120_000, env: { ...MPIRUN_ENV, LD_PRELOAD: built.lib, RUNLENS_MPI_DIR: reports },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mpiwork: 2 ranks, \d+ iterations/);
    const byRank = readdirSync(reports).filter((n) => /^\d+$/.test(n)).map((n) => parseMpiReport(readFileSync(join(reports, n), 'utf8')));
    expect(byRank.map((x) => x?.final)).toEqual([true, true]);
    const [light, heavy] = [0, 1].map((k) => byRank.find((x) => x?.rank === k));
    // Rank 1 computes 4× as long per iteration: its own CPU outside MPI is about 4× rank 0's.
    const compute = (x: typeof light): number => (x ? x.cpu_s - x.mpi_cpu_s : 0);
    expect(compute(heavy) / compute(light)).toBeGreaterThan(2.5);
    expect((heavy?.mpi_s ?? 1) / (heavy?.wall_s ?? 1)).toBeLessThan((light?.mpi_s ?? 0) / (light?.wall_s ?? 1));
  }, 180_000);
});
