import { rowsOf, silentLogger } from '@runlens/schemas';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { type HostContext, type Tick, isAbsent } from '../../sampler.ts';
import { processSampler } from './index.ts';
import { parseIo } from './parse.ts';

/*
 * Real captures (testdata/reap/, see its README): a `sh` runs `dd` and reaps it. After the reap
 * the kernel has added dd's whole-life IO to the sh's /proc/<pid>/io.
 */
const REAP = join(import.meta.dirname, 'testdata', 'reap');
const roots: string[] = [];
afterEach(() => {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ticksOf = (capture: string): string[] =>
  readdirSync(join(REAP, capture)).map(Number).sort((a, b) => a - b).map((t) => join(REAP, capture, String(t)));
const pidsIn = (tickDir: string): string[] => readdirSync(tickDir).filter((n) => /^\d+$/.test(n));
const io = (tickDir: string, pid: string) => parseIo(readFileSync(join(tickDir, pid, 'io'), 'latin1'));

/** Feeds each captured scan to the sampler through a procRoot that holds just that scan. */
async function replay(capture: string): Promise<Row<'process_samples'>[][]> {
  const root = mkdtempSync(join(tmpdir(), 'reap-replay-'));
  roots.push(root);
  const host: HostContext = { host: 'h', procRoot: root, sysRoot: '/nonexistent', clkTck: 100, pageSize: 4096, log: silentLogger };
  const s = await processSampler.create(processSampler.config.parse({ max_kept_open: 0 }), host);
  if (isAbsent(s)) throw new Error(s.absent);
  const out: Row<'process_samples'>[][] = [];
  for (const dir of ticksOf(capture)) {
    for (const pid of pidsIn(root)) rmSync(join(root, pid), { recursive: true });
    cpSync(dir, root, { recursive: true });
    // /proc/uptime is cut to 10 ms: a child born in that same 10 ms (the `sleep` at the reap
    // scan) would otherwise be read zero seconds after its birth and get no row.
    const mono_s = Number.parseFloat(readFileSync(join(dir, 'uptime'), 'latin1')) + 0.005;
    writeFileSync(join(root, 'uptime'), `${mono_s.toFixed(3)} 0\n`);
    const tick: Tick = { ts: Math.round(mono_s * 1000), mono_s, runs: [], attribute: () => null, observeProcesses: () => {} };
    out.push(rowsOf((await s.sample(tick)).process_samples ?? []));
  }
  s.close();
  return out;
}

/** Bytes (or calls) a column adds up to over the run: rate × interval, summed over every row. */
const total = (ticks: Row<'process_samples'>[][], col: 'write_bytes_per_s' | 'wchar_per_s' | 'rchar_per_s' | 'syscw_per_s'): number =>
  ticks.flat().reduce((sum, r) => sum + (r[col] ?? 0) * r.interval_s, 0);

/**
 * The truth: what the sh's tree did since the first scan. At the last scan that still has the sh,
 * its counters hold its own IO and every reaped child's; add the children still alive then.
 */
function truth(capture: string): Record<'write_bytes' | 'wchar' | 'rchar' | 'syscw', number> {
  const dirs = ticksOf(capture).filter((d) => pidsIn(d).length > 0);
  const [first, last] = [dirs[0] ?? '', dirs.at(-1) ?? ''];
  const sum = (dir: string, k: 'write_bytes' | 'wchar' | 'rchar' | 'syscw'): number =>
    pidsIn(dir).reduce((acc, pid) => acc + (io(dir, pid)?.[k] ?? Number.NaN), 0);
  const d = (k: 'write_bytes' | 'wchar' | 'rchar' | 'syscw'): number => sum(last, k) - sum(first, k);
  return { write_bytes: d('write_bytes'), wchar: d('wchar'), rchar: d('rchar'), syscw: d('syscw') };
}

function rowOf(ticks: Row<'process_samples'>[][], tick: number, comm: string): Row<'process_samples'> {
  const row = ticks[tick]?.find((r) => r.comm === comm);
  if (!row) throw new Error(`no ${comm} row at tick ${tick}`);
  return row;
}

describe('a parent reaping a child (real /proc captures)', () => {
  it('dd idle before exit: the sh writes nothing when it reaps dd, and the run total is dd\'s bytes once', async () => {
    const ticks = await replay('idle');
    // dd wrote 200 MiB before tick 1 and nothing after tick 2; the sh reaped it before tick 3.
    expect(rowOf(ticks, 1, 'dd').write_bytes_per_s ?? 0).toBeGreaterThan(100e6);
    const sh = rowOf(ticks, 3, 'sh');
    // Before the fix: 209,723,392 bytes / 1.0 s here, dd's whole life a second time.
    expect(sh.write_bytes_per_s).toBe(0);
    expect(sh.wchar_per_s).toBe(0);
    expect(sh.syscw_per_s).toBe(0);
    const t = truth('idle');
    expect(t.write_bytes).toBe(209_723_392);
    expect(total(ticks, 'write_bytes_per_s')).toBeCloseTo(t.write_bytes, 0);
    expect(total(ticks, 'wchar_per_s')).toBeCloseTo(t.wchar, 0);
    expect(total(ticks, 'rchar_per_s')).toBeCloseTo(t.rchar, 0);
    expect(total(ticks, 'syscw_per_s')).toBeCloseTo(t.syscw, 6);
  });

  it('dd still writing after its last sample: the sh carries only that tail, and the total is still dd\'s bytes once', async () => {
    const ticks = await replay('tail');
    const lastDd = io(ticksOf('tail')[2] ?? '', '4253');
    const reapedSh = io(ticksOf('tail')[3] ?? '', '4046');
    if (!lastDd || !reapedSh) throw new Error('capture without io');
    const sh = rowOf(ticks, 3, 'sh');
    // dd's 104,865,792 bytes minus the 72,949,760 its own rows already counted.
    expect((sh.write_bytes_per_s ?? 0) * sh.interval_s).toBeCloseTo(reapedSh.write_bytes - lastDd.write_bytes, 0);
    expect((sh.write_bytes_per_s ?? 0) * sh.interval_s).toBeCloseTo(31_916_032, 0);
    const t = truth('tail');
    expect(t.write_bytes).toBe(104_865_792);
    expect(total(ticks, 'write_bytes_per_s')).toBeCloseTo(t.write_bytes, 0);
    expect(total(ticks, 'wchar_per_s')).toBeCloseTo(t.wchar, 0);
    expect(total(ticks, 'rchar_per_s')).toBeCloseTo(t.rchar, 0);
    expect(total(ticks, 'syscw_per_s')).toBeCloseTo(t.syscw, 6);
  });

  it('CPU never needed the correction: utime/stime exclude reaped children (cutime/cstime hold them)', async () => {
    const ticks = await replay('idle');
    const shStat = readFileSync(join(ticksOf('idle')[3] ?? '', '5236', 'stat'), 'latin1').split(') ')[1]?.split(' ') ?? [];
    // Fields 14-17 (utime stime cutime cstime) are f[11..14]: dd's 1 + 11 ticks landed in cutime/cstime only.
    expect(shStat.slice(11, 15)).toEqual(['0', '0', '1', '11']);
    expect(rowOf(ticks, 3, 'sh').cpu_sys_cores).toBe(0);
    expect(rowOf(ticks, 3, 'sh').cpu_user_cores).toBe(0);
  });
});
