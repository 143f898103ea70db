import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Row, encodeBatch, rowsOf, silentLogger } from '@runlens/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { counterDelta } from '../../lib/counter.ts';
import { type HostContext, type SamplerInstance, type Tick, isAbsent } from '../../sampler.ts';
import { processSampler } from './index.ts';
import { type ProcIo, type ProcStat, type ProcStatus, parseIo, parseSchedstat, parseStat, parseStatus } from './parse.ts';
import { ProcReader, keptOpenBudget } from './proc-reader.ts';

/*
 * The guard of the slot reader and the column output: on a copy of this machine's live /proc
 * (every process's stat, status, io and schedstat, bytes as read), the slots and rows must say
 * exactly what the object parsers (parse.ts, checked against golden files) and the row formula
 * say of the same bytes, and the columns must encode to the same Arrow bytes as row objects.
 */

// In the sampler's order: schedstat before status and io, so that an unchanged schedstat proves them unchanged in the copy too.
const FILES = ['stat', 'schedstat', 'status', 'io'] as const;
type Files = Partial<Record<(typeof FILES)[number], Buffer>>;

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function readFiles(pid: string): Files {
  const files: Files = {};
  for (const f of FILES) {
    try { files[f] = readFileSync(`/proc/${pid}/${f}`); } catch { /* gone or denied */ }
  }
  return files;
}

/** The files of one pid read while it did not run (schedstat the same after as before), as far as a few tries allow. */
function readStill(pid: string): Files {
  let files = readFiles(pid);
  for (let tries = 0; tries < 5; tries++) {
    let after: Buffer | undefined;
    try { after = readFileSync(`/proc/${pid}/schedstat`); } catch { /* gone */ }
    if (!after || !files.schedstat || after.equals(files.schedstat)) break;
    files = readFiles(pid);
  }
  return files;
}

/** The four files of every live pid, as read now (a file that cannot be read is absent). */
function snapshot(): Map<number, Files> {
  const out = new Map<number, Files>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    out.set(Number(name), readStill(name));
  }
  return out;
}

/** Writes `snap` as a procRoot: one directory per pid, only the files that were read. */
function writeRoot(root: string, snap: ReadonlyMap<number, Files>): void {
  for (const name of readdirSync(root)) if (/^\d+$/.test(name)) rmSync(join(root, name), { recursive: true });
  for (const [pid, files] of snap) {
    mkdirSync(join(root, String(pid)));
    for (const f of FILES) {
      const bytes = files[f];
      if (bytes) writeFileSync(join(root, String(pid), f), bytes);
    }
  }
}

interface Parsed { stat: ProcStat; status: ProcStatus; io: ProcIo | null; wait_ns: number }
function parsed(files: Files | undefined): Parsed | null {
  const stat = files?.stat ? parseStat(files.stat) : null;
  const status = files?.status ? parseStatus(files.status) : null;
  if (!stat || !status) return null;
  return { stat, status, io: files?.io ? parseIo(files.io) : null, wait_ns: (files?.schedstat ? parseSchedstat(files.schedstat) : null)?.wait_ns ?? 0 };
}

const cpuOf = (p: Parsed): number[] =>
  [p.stat.utime, p.stat.stime, p.wait_ns, p.stat.minflt, p.stat.majflt, p.status.vol_ctxsw, p.status.invol_ctxsw];
const IO_KEYS = ['rchar', 'wchar', 'syscr', 'syscw', 'read_bytes', 'write_bytes', 'cancelled_write_bytes'] as const;
const ioOf = (p: Parsed): number[] | null => (p.io ? IO_KEYS.map((k) => p.io?.[k] ?? 0) : null);

/** The row the sampler's formula gives for a process read as `a` then `b`, `dt` seconds apart. */
function expectedRow(host: HostContext, ts: number, dt: number, a: Parsed, b: Parsed): Row<'process_samples'> {
  const [ca, cb] = [cpuOf(a), cpuOf(b)];
  const c = cb.map((v, k) => counterDelta(ca[k]!, v) / dt);
  const [ia, ib] = [ioOf(a), ioOf(b)];
  const i = ia && ib ? ib.map((v, k) => counterDelta(ia[k]!, v) / dt) : null;
  const s = b.stat;
  return {
    ts, host: host.host, run_id: '', rank: null, local_rank: null, pid: s.pid, ppid: s.ppid, start_ticks: s.start_ticks, comm: s.comm, state: s.state,
    interval_s: dt, cpu_user_cores: c[0]! / host.clkTck, cpu_sys_cores: c[1]! / host.clkTck, run_delay_cores: c[2]! / 1e9,
    rss_bytes: s.rss_pages * host.pageSize, hwm_bytes: b.status.hwm_bytes ?? s.rss_pages * host.pageSize, vm_bytes: s.vsize, threads: s.threads, busy_threads: null,
    rchar_per_s: i ? i[0]! : null, wchar_per_s: i ? i[1]! : null, syscr_per_s: i ? i[2]! : null, syscw_per_s: i ? i[3]! : null,
    read_bytes_per_s: i ? i[4]! : null, write_bytes_per_s: i ? Math.max(0, i[5]! - i[6]!) : null,
    minflt_per_s: c[3]!, majflt_per_s: c[4]!, vol_ctxsw_per_s: c[5]!, invol_ctxsw_per_s: c[6]!, last_cpu: s.processor,
  };
}

function fakeRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'live-proc-'));
  dirs.push(d);
  writeFileSync(join(d, 'uptime'), '1000.00 1900.00\n');
  return d;
}

describe('slots and columns against the object parsers on a copy of live /proc', () => {
  it.each([0, keptOpenBudget()])('every process reads into its slot as the parsers read its bytes (max_kept_open %i)', (keep) => {
    const snap = snapshot();
    const root = fakeRoot();
    writeRoot(root, snap);
    const reader = new ProcReader(root, keep);
    const slots = reader.readAll(reader.listPids());
    const want = [...snap].map(([pid, files]) => [pid, parsed(files)] as const).filter(([, p]) => p !== null);
    expect(want.length).toBeGreaterThan(50);
    expect(slots.map((s) => s.pid).sort((x, y) => x - y)).toEqual(want.map(([pid]) => pid).sort((x, y) => x - y));
    for (const s of slots) {
      const p = parsed(snap.get(s.pid));
      if (!p) throw new Error(`no parse of ${s.pid}`);
      const { stat } = p;
      expect([s.pid, s.ppid, s.start_ticks, s.key, s.comm, s.state, s.minflt, s.cminflt, s.threads, s.vsize, s.rss_pages, s.processor, s.hwm_bytes])
        .toEqual([stat.pid, stat.ppid, stat.start_ticks, `${stat.pid}:${stat.start_ticks}`, stat.comm, stat.state, stat.minflt, stat.cminflt,
          stat.threads, stat.vsize, stat.rss_pages, stat.processor, p.status.hwm_bytes]);
      expect([...s.cpu]).toEqual(cpuOf(p));
      expect(s.io ? [...s.io] : null).toEqual(ioOf(p));
    }
    reader.closeAll();
  });

  it('two ticks give the rows the formula gives, columns encode to the bytes of those rows, and a smaller tick leaves no stale value', async () => {
    const host: HostContext = { host: 'live-copy', procRoot: fakeRoot(), sysRoot: '/nonexistent', clkTck: 100, pageSize: 4096, log: silentLogger };
    // A few processes of our own, so the copy never lacks user processes to compare.
    for (let k = 0; k < 10; k++) children.push(spawn('sleep', ['60'], { stdio: 'ignore' }));
    await Promise.all(children.map((c) => once(c, 'spawn')));
    const first = snapshot();
    await new Promise((r) => setTimeout(r, 300)); // let counters move
    const second = snapshot();
    // Processes in both snapshots, same identity, not kernel threads: none is born or reaped between the ticks.
    const both = new Map<number, [Parsed, Parsed]>();
    for (const [pid, files] of second) {
      const [a, b] = [parsed(first.get(pid)), parsed(files)];
      if (a && b && a.stat.start_ticks === b.stat.start_ticks && pid !== 2 && a.stat.ppid !== 2 && b.stat.ppid !== 2) both.set(pid, [a, b]);
    }
    expect(both.size).toBeGreaterThan(10);
    const only = (snap: Map<number, Files>): Map<number, Files> => new Map([...snap].filter(([pid]) => both.has(pid)));
    const made = await processSampler.create(processSampler.config.parse({ max_kept_open: 0 }), host);
    if (isAbsent(made)) throw new Error(made.absent);
    const s: SamplerInstance = made;
    const tick = (mono_s: number): Tick => ({ ts: 1_700_000_000_000 + mono_s * 1000, mono_s, runs: [], attribute: () => null, observeProcesses: () => {} });

    writeRoot(host.procRoot, only(first));
    expect(rowsOf((await s.sample(tick(1000))).process_samples ?? [])).toEqual([]);
    writeRoot(host.procRoot, only(second));
    const out = (await s.sample(tick(1001.5))).process_samples;
    if (!out) throw new Error('no rows');
    const got = rowsOf(out);
    const want = got.map((r) => {
      const [a, b] = both.get(r.pid) ?? [];
      if (!a || !b) throw new Error(`unexpected pid ${r.pid}`);
      return expectedRow(host, 1_700_000_000_000 + 1_001_500, 1.5, a, b);
    });
    expect(got.length).toBe(both.size);
    expect(got).toEqual(want);
    expect(Buffer.from(encodeBatch('process_samples', out))).toEqual(Buffer.from(encodeBatch('process_samples', want)));

    // Half the processes gone: every column shrinks with the rows.
    const kept = new Map([...only(second)].filter((_e, k) => k % 2 === 0));
    writeRoot(host.procRoot, kept);
    const third = (await s.sample(tick(1003))).process_samples;
    if (!third) throw new Error('no rows');
    expect(third.length).toBe(kept.size);
    expect(rowsOf(third).map((r) => r.pid).sort((x, y) => x - y)).toEqual([...kept.keys()].sort((x, y) => x - y));
    expect(Buffer.from(encodeBatch('process_samples', third))).toEqual(Buffer.from(encodeBatch('process_samples', rowsOf(third))));
    s.close();
  });
});
