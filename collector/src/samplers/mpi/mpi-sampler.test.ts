import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@runlens/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import type { SamplerInstance, Tick } from '../../sampler.ts';
import { parseStat } from '../process/parse.ts';
import { mpiSampler } from './index.ts';

const host = { host: 'h1', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log: createLogger('error') };
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const myStart = (): number => parseStat(readFileSync('/proc/self/stat', 'latin1'))?.start_ticks ?? -1;
const line = (o: { rank: number; start: number; mpi: number; wall: number; final?: number }): string =>
  `runlens_mpi 1 rank=${o.rank} size=2 start_ticks=${o.start} mpi_s=${o.mpi} mpi_cpu_s=0.1 cpu_s=1 wall_s=${o.wall} calls=10 final=${o.final ?? 0}\n`;

/** A tick in which only this test process belongs to run r1 (the attribution's answer). */
function tick(i: number, attributed = true): Tick {
  return {
    ts: 1_000 * i, mono_s: i, runs: [], observeProcesses: () => undefined,
    attribute: (pid) => (attributed && pid === process.pid ? { run_id: 'r1', rank: 0, local_rank: 0 } : null),
  };
}

async function sampler(): Promise<{ s: SamplerInstance; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpi-reports-'));
  dirs.push(dir);
  const s = await mpiSampler.create({ dir, max_files: 4096 }, host);
  if ('absent' in s) throw new Error(s.absent);
  return { s, dir };
}

const rowsOf = async (s: SamplerInstance, t: Tick): Promise<unknown[]> => (await s.sample(t)).mpi_samples ?? [];

describe('mpi sampler', () => {
  it('turns a live rank\'s reports into rows of its run, with the MPI share between reports', async () => {
    const { s, dir } = await sampler();
    writeFileSync(join(dir, String(process.pid)), line({ rank: 0, start: myStart(), mpi: 1, wall: 2 }));
    expect(await rowsOf(s, tick(1))).toEqual([expect.objectContaining({ run_id: 'r1', rank: 0, size: 2, pid: process.pid, mpi_s: 1, mpi_share: null })]);
    writeFileSync(join(dir, String(process.pid)), line({ rank: 0, start: myStart(), mpi: 1.75, wall: 3 }));
    expect(await rowsOf(s, tick(2))).toEqual([expect.objectContaining({ mpi_share: 0.75, final: 0 })]);
  });

  it('reads an exited rank\'s final report once, for the run it belonged to, then removes it', async () => {
    const { s, dir } = await sampler();
    const child = spawn('sleep', ['60']);
    await once(child, 'spawn');
    const pid = child.pid ?? -1;
    const start = parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.start_ticks ?? -1;
    const t = (i: number): Tick => ({ ...tick(i), attribute: (p) => (p === pid && child.exitCode === null && !child.killed ? { run_id: 'r2', rank: 1, local_rank: 1 } : null) });
    writeFileSync(join(dir, String(pid)), line({ rank: 1, start, mpi: 1, wall: 2 }));
    expect(await rowsOf(s, t(1))).toEqual([expect.objectContaining({ run_id: 'r2', rank: 1, final: 0 })]);
    writeFileSync(join(dir, String(pid)), line({ rank: 1, start, mpi: 2, wall: 3, final: 1 }));
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await rowsOf(s, t(2))).toEqual([expect.objectContaining({ run_id: 'r2', rank: 1, final: 1, mpi_share: 1 })]);
    expect(existsSync(join(dir, String(pid)))).toBe(false);
    expect(await rowsOf(s, t(3))).toEqual([]);
  });

  it('never gives a report to the process now holding its pid: the start time differs', async () => {
    const { s, dir } = await sampler();
    const gone = spawnSync('sh', ['-c', 'echo $$; cut -d" " -f22 /proc/$$/stat'], { encoding: 'utf8' });
    const [pid, start] = gone.stdout.trim().split('\n').map(Number) as [number, number];
    writeFileSync(join(dir, String(pid)), line({ rank: 1, start, mpi: 1, wall: 2, final: 1 }));
    expect(await rowsOf(s, tick(1))).toEqual([]);
    expect(existsSync(join(dir, String(pid)))).toBe(false);
    const file = join(dir, String(process.pid));
    writeFileSync(file, line({ rank: 0, start: myStart(), mpi: 1, wall: 2 }));
    await rowsOf(s, tick(1));
    // The same pid now with another start time: this process is not the rank that wrote it.
    writeFileSync(file, line({ rank: 0, start: myStart() + 1, mpi: 1.5, wall: 3, final: 1 }));
    expect(await rowsOf(s, tick(2))).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('ignores foreign and unparseable files of live processes, and says absent without a directory', async () => {
    const { s, dir } = await sampler();
    writeFileSync(join(dir, String(process.pid)), 'not a report');
    writeFileSync(join(dir, 'notes.txt'), line({ rank: 0, start: myStart(), mpi: 1, wall: 2 }));
    expect(await rowsOf(s, tick(1))).toEqual([]);
    expect(existsSync(join(dir, String(process.pid)))).toBe(true);
    expect(await mpiSampler.create({ dir: '', max_files: 1 }, host)).toEqual({ absent: 'mpi: no report directory configured' });
  });

  it('follows no symlink (a FIFO would hang the agent) and takes no report written by another user', async () => {
    const { s, dir } = await sampler();
    const fifo = join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    symlinkSync(fifo, join(dir, String(process.pid)));
    expect(await rowsOf(s, tick(1))).toEqual([]);
    rmSync(join(dir, String(process.pid)));
    if (process.getuid?.() !== 0) return; // only root can hand a file to another user
    const file = join(dir, String(process.pid));
    writeFileSync(file, line({ rank: 0, start: myStart(), mpi: 1, wall: 2 }));
    chownSync(file, 12345, 12345);
    expect(await rowsOf(s, tick(2))).toEqual([]);
  });
});
