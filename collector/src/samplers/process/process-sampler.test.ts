import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Row, rowsOf } from '@runlens/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcNode } from '../../attribution/attributor.ts';
import { monoSeconds, readHostFacts } from '../../lib/host-facts.ts';
import { type Attribution, type HostContext, type SamplerInstance, type Tick, isAbsent } from '../../sampler.ts';
import { processSampler } from './index.ts';
import { writeProc } from './testdata/fake-proc.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} } as unknown as HostContext['log'];
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

async function make(host: HostContext, cfg: object = {}): Promise<SamplerInstance> {
  const s = await processSampler.create(processSampler.config.parse(cfg), host);
  if (isAbsent(s)) throw new Error(s.absent);
  return s;
}

interface TickLog { observed: ProcNode[][] }
function tick(mono_s: number, log?: TickLog, attribute: (pid: number) => Attribution | null = () => null): Tick {
  return {
    ts: 1_700_000_000_000 + Math.round(mono_s * 1000), mono_s, runs: [], attribute,
    observeProcesses: (procs) => { log?.observed.push(procs.map(({ pid, ppid, start_ticks }) => ({ pid, ppid, start_ticks }))); },
  };
}

async function rows(s: SamplerInstance, t: Tick): Promise<Row<'process_samples'>[]> {
  return rowsOf((await s.sample(t)).process_samples ?? []);
}

describe('process sampler on a fake procRoot (CLK_TCK 100, 4 KiB pages)', () => {
  // uptime 1000 s at mono 5000 s: a process that started at boot+B s started at mono B+4000.
  function fakeHost(): { root: string; host: HostContext } {
    const root = tmp('proc-sampler-');
    writeFileSync(join(root, 'uptime'), '1000.00 1900.00\n');
    return { root, host: { host: 'h1', procRoot: root, sysRoot: '/nonexistent', clkTck: 100, pageSize: 4096, log: silent } };
  }

  it('emits rates from the second sight, and a process born since the last scan from zero at its start', async () => {
    const { root, host } = fakeHost();
    writeProc(root, { pid: 100, comm: 'app', start: 50_000, utime: 100, stime: 10, wchar: 1000, vol: 3, rss: 10 });
    writeProc(root, { pid: 2, ppid: 0, comm: 'kthreadd', start: 0 });
    writeProc(root, { pid: 3, ppid: 2, comm: 'rcu_gp', start: 0 });
    const s = await make(host, { max_kept_open: 0 });
    const log: TickLog = { observed: [] };
    expect(await rows(s, tick(5000, log))).toEqual([]);
    expect(log.observed).toEqual([[{ pid: 100, ppid: 1, start_ticks: 50_000 }]]);

    writeProc(root, { pid: 100, comm: 'app', start: 50_000, utime: 300, stime: 30, wchar: 1_001_000, vol: 13, rss: 20 });
    // Born at boot+1003 s = mono 5003, after the scan at 5000.
    writeProc(root, { pid: 200, ppid: 100, comm: 'child', start: 100_300, utime: 150, wchar: 3_000_000, write_bytes: 2_000_000, wait_ns: 5e8 });
    const second = await rows(s, tick(5005, log));
    expect(second.map((r) => r.pid).sort()).toEqual([100, 200]);
    const a = second.find((r) => r.pid === 100);
    expect(a?.interval_s).toBeCloseTo(5, 9);
    expect(a?.cpu_user_cores).toBeCloseTo(0.4, 9);
    expect(a?.cpu_sys_cores).toBeCloseTo(0.04, 9);
    expect(a?.wchar_per_s).toBeCloseTo(200_000, 6);
    expect(a?.vol_ctxsw_per_s).toBeCloseTo(2, 9);
    expect(a?.rss_bytes).toBe(20 * 4096);
    expect(a?.hwm_bytes).toBe(100 * 1024);
    expect([a?.host, a?.run_id, a?.rank, a?.comm, a?.state, a?.ts]).toEqual(['h1', '', null, 'app', 'S', 1_700_000_000_000 + 5_005_000]);
    const b = second.find((r) => r.pid === 200);
    expect(b?.interval_s).toBeCloseTo(2, 9);
    expect(b?.cpu_user_cores).toBeCloseTo(0.75, 9);
    expect(b?.wchar_per_s).toBeCloseTo(1_500_000, 6);
    expect(b?.write_bytes_per_s).toBeCloseTo(1_000_000, 6);
    expect(b?.run_delay_cores).toBeCloseTo(0.25, 9);
  });

  it('a vanished process does not throw and a reused pid starts again from zero', async () => {
    const { root, host } = fakeHost();
    writeProc(root, { pid: 100, start: 50_000, utime: 100 });
    writeProc(root, { pid: 200, start: 60_000, utime: 90_000 });
    const s = await make(host, { max_kept_open: 0 });
    await rows(s, tick(5000));
    writeProc(root, { pid: 100, start: 50_000, utime: 200 });
    expect((await rows(s, tick(5005))).map((r) => r.pid).sort()).toEqual([100, 200]);

    rmSync(join(root, '100'), { recursive: true });
    // pid 200 reused by a process born at mono 5008 that has used 20 ticks so far.
    writeProc(root, { pid: 200, start: 100_800, utime: 20 });
    const third = await rows(s, tick(5010));
    expect(third.map((r) => [r.pid, r.start_ticks])).toEqual([[200, 100_800]]);
    expect(third[0]?.interval_s).toBeCloseTo(2, 9);
    expect(third[0]?.cpu_user_cores).toBeCloseTo(0.1, 9);
  });

  it('include "runs" keeps only attributed processes and carries run id and ranks', async () => {
    const { root, host } = fakeHost();
    writeProc(root, { pid: 100, start: 50_000 });
    writeProc(root, { pid: 101, start: 50_000 });
    const who = (pid: number): Attribution | null => (pid === 101 ? { run_id: 'r1', rank: 3, local_rank: 1 } : null);
    const s = await make(host, { include: 'runs', max_kept_open: 0 });
    await rows(s, tick(5000, undefined, who));
    const second = await rows(s, tick(5001, undefined, who));
    expect(second.map((r) => [r.pid, r.run_id, r.rank, r.local_rank])).toEqual([[101, 'r1', 3, 1]]);
  });

  it('samples no process of another node sharing the machine, even with include "all"', async () => {
    const { root, host } = fakeHost();
    writeProc(root, { pid: 100, start: 50_000 });
    writeProc(root, { pid: 101, start: 50_000 });
    const s = await make(host, { include: 'all', max_kept_open: 0 });
    const onNode2 = (t: Tick): Tick => ({ ...t, elsewhere: (pid) => pid === 101 });
    await rows(s, onNode2(tick(5000)));
    expect((await rows(s, onNode2(tick(5001)))).map((r) => r.pid)).toEqual([100]);
  });

  it('include_kernel_threads keeps kthreadd and its children', async () => {
    const { root, host } = fakeHost();
    writeProc(root, { pid: 2, ppid: 0, start: 0 });
    writeProc(root, { pid: 3, ppid: 2, start: 0 });
    const log: TickLog = { observed: [] };
    const s = await make(host, { include_kernel_threads: true, max_kept_open: 0 });
    await rows(s, tick(5000, log));
    expect(log.observed[0]?.map((p) => p.pid).sort()).toEqual([2, 3]);
  });
});

describe('process sampler on live /proc', () => {
  const facts = readHostFacts('live');
  const host: HostContext = { host: 'live', procRoot: '/proc', sysRoot: '/sys', clkTck: facts.clkTck, pageSize: facts.pageSize, log: silent };

  it('a process that vanished between ticks is skipped without throwing', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    await once(child, 'spawn');
    const pid = child.pid ?? -1;
    const s = await make(host);
    const first = await rows(s, tick(monoSeconds()));
    expect(first).toEqual([]);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const second = await rows(s, tick(monoSeconds()));
    expect(second.some((r) => r.pid === pid)).toBe(false);
    expect(second.some((r) => r.pid === process.pid)).toBe(true);
    const third = await rows(s, tick(monoSeconds()));
    expect(third.some((r) => r.pid === pid)).toBe(false);
    s.close();
  });

  it('a process born after the previous scan gets its first row at once, counted from its start', async () => {
    const out = join(tmp('proc-born-'), 'data');
    const s = await make(host);
    const t1 = monoSeconds();
    expect(await rows(s, tick(t1))).toEqual([]);
    const before = monoSeconds();
    const script = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'w');const b=Buffer.alloc(1<<20,7);
      for(let i=0;i<8;i++)fs.writeSync(fd,b);fs.fsyncSync(fd);fs.closeSync(fd);process.stdout.write('done');setTimeout(()=>{},30000);`;
    const child = spawn(process.execPath, ['-e', script, out], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    await once(child, 'spawn');
    const after = monoSeconds();
    await once(child.stdout as NodeJS.ReadableStream, 'data');
    const t2 = monoSeconds();
    const second = await rows(s, tick(t2));
    const row = second.find((r) => r.pid === child.pid);
    const io = readFileSync(`/proc/${child.pid}/io`, 'latin1');
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
    s.close();

    expect(row).toBeDefined();
    if (!row) return;
    // Its age: start ticks are 10 ms coarse and /proc/uptime has 10 ms resolution.
    expect(row.interval_s).toBeGreaterThan(t2 - after - 0.025);
    expect(row.interval_s).toBeLessThan(t2 - before + 0.025);
    // Born after t1, so never longer than the tick interval (equal when start ticks round down to t1).
    expect(row.interval_s).toBeLessThanOrEqual(t2 - t1);
    const wchar = Number(/^wchar: (\d+)/m.exec(io)?.[1]);
    const writeBytes = Number(/^write_bytes: (\d+)/m.exec(io)?.[1]);
    expect(wchar).toBeGreaterThanOrEqual(8 * 2 ** 20);
    expect((row.wchar_per_s ?? 0) * row.interval_s).toBeCloseTo(wchar, 0);
    expect((row.write_bytes_per_s ?? 0) * row.interval_s).toBeCloseTo(writeBytes, 0);
    expect(row.cpu_user_cores * row.interval_s * host.clkTck).toBeCloseTo(Number(stat[11]), 6);
    // Processes seen at both ticks report over the whole interval.
    expect(second.find((r) => r.pid === process.pid)?.interval_s).toBeCloseTo(t2 - t1, 9);
  });

  it('a run process\'s run delay is every thread\'s: three busy worker threads on one CPU, the main thread idle', async () => {
    const script = `const { Worker } = require('worker_threads'); let up = 0;
      for (let i = 0; i < 3; i++) new Worker('for(;;){}', { eval: true }).on('online', () => { if (++up === 3) process.stdout.write('up'); });`;
    const child = spawn('taskset', ['-c', '0', process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    await once(child.stdout as NodeJS.ReadableStream, 'data');
    const run = (pid: number): Attribution | null => (pid === child.pid ? { run_id: 'omp', rank: null, local_rank: null } : null);
    const s = await make(host, { include: 'runs' });
    const mainWait = (): number => Number(readFileSync(`/proc/${child.pid}/schedstat`, 'latin1').split(' ')[1]) / 1e9;
    const waitBefore = mainWait();
    await rows(s, tick(monoSeconds(), undefined, run));
    await new Promise((r) => setTimeout(r, 1000));
    const [row] = await rows(s, tick(monoSeconds(), undefined, run));
    const mainDelay = (mainWait() - waitBefore) / (row?.interval_s ?? 1);
    s.close();
    // Three runnable threads on one CPU: two of them wait at any moment (more when the machine is
    // busy). The main thread's own schedstat, all the row had before, barely moves: whatever the
    // machine's load, the row says more than the main thread alone.
    expect(row?.busy_threads).toBeGreaterThanOrEqual(3);
    expect(row?.run_delay_cores).toBeGreaterThan(1);
    expect(row?.run_delay_cores).toBeGreaterThan(mainDelay + 0.5);
  });
});
