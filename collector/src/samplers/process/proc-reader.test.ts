import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LastPidWatch, lastNumber, showsOwnPidNamespace } from './last-pid.ts';
import { MAX_REUSED_LISTINGS, ProcReader, keptOpenBudget } from './proc-reader.ts';
import { fileTexts, writeProc } from './testdata/fake-proc.ts';

/** Replaces one file with a new inode: a descriptor kept open on the old one still reads the old text. */
function replaceFile(root: string, pid: number, name: string, text: string): void {
  const tmp = join(root, `${pid}.${name}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(root, String(pid), name));
}

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
function fakeRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'proc-reader-'));
  dirs.push(d);
  return d;
}

describe('ProcReader (slots per pid) over a fake procRoot', () => {
  it('lists only numeric entries as pids', () => {
    const root = fakeRoot();
    writeProc(root, { pid: 1234, start: 5 });
    writeProc(root, { pid: 77, start: 6 });
    mkdirSync(join(root, 'self'));
    writeFileSync(join(root, 'uptime'), '1.00 1.00\n');
    expect(new ProcReader(root, 10).listPids().sort((a, b) => a - b)).toEqual([77, 1234]);
  });

  it.each([0, 10])('a reused pid (new start time) is read from the new process (maxKeptOpen %i)', (keep) => {
    const root = fakeRoot();
    writeProc(root, { pid: 1234, comm: 'old', start: 500, utime: 100, vol: 5, wchar: 1000 });
    const reader = new ProcReader(root, keep);
    const first = reader.readAll([1234]);
    expect(first.map((r) => [r.comm, r.start_ticks, r.cpu[5], r.io?.[1]])).toEqual([['old', 500, 5, 1000]]);
    const oldKey = first[0]?.key;

    const next = fileTexts({ pid: 1234, comm: 'new', start: 900, utime: 3, vol: 7, wchar: 42 });
    writeFileSync(join(root, '1234', 'stat'), next.stat); // in place: an open fd sees the new start time
    replaceFile(root, 1234, 'status', next.status);       // new inodes: only a reopen sees these
    replaceFile(root, 1234, 'io', next.io);
    replaceFile(root, 1234, 'schedstat', next.schedstat);
    const second = reader.readAll([1234]);
    expect(second.map((r) => [r.comm, r.start_ticks, r.cpu[0], r.cpu[5], r.io?.[1]])).toEqual([['new', 900, 3, 7, 42]]);
    expect([oldKey, second[0]?.key]).toEqual(['1234:500', '1234:900']);
    reader.closeAll();
  });

  it('a pid whose directory vanished is skipped without throwing', () => {
    const root = fakeRoot();
    writeProc(root, { pid: 10, start: 1 });
    writeProc(root, { pid: 11, start: 2 });
    const reader = new ProcReader(root, 0);
    expect(reader.readAll([10, 11]).map((r) => r.pid)).toEqual([10, 11]);
    rmSync(join(root, '10'), { recursive: true });
    expect(reader.readAll([10, 11]).map((r) => r.pid)).toEqual([11]);
    expect(reader.readAll([999]).length).toBe(0);
  });

  it('a process that vanished between the stat and status reads is skipped', () => {
    const root = fakeRoot();
    writeProc(root, { pid: 10, start: 1 });
    rmSync(join(root, '10', 'status'));
    expect(new ProcReader(root, 10).readAll([10])).toEqual([]);
  });

  it('status and io are re-read only when schedstat moved or the process has several threads', () => {
    const root = fakeRoot();
    writeProc(root, { pid: 10, start: 1, vol: 5, wchar: 100 });
    writeProc(root, { pid: 11, start: 1, vol: 5, wchar: 100, threads: 4 });
    const reader = new ProcReader(root, 10);
    const seen = (): unknown[] => reader.readAll([10, 11]).map((r) => [r.pid, r.cpu[5], r.io?.[1]]);
    expect(seen()).toEqual([[10, 5, 100], [11, 5, 100]]);
    // New status and io under an unchanged stat and schedstat: the single-threaded process
    // provably did not run, so its previous values stand; the multi-threaded one is re-read.
    for (const pid of [10, 11]) {
      const moved = fileTexts({ pid, start: 1, vol: 9, wchar: 300, threads: pid === 11 ? 4 : 1 });
      writeFileSync(join(root, String(pid), 'status'), moved.status);
      writeFileSync(join(root, String(pid), 'io'), moved.io);
    }
    expect(seen()).toEqual([[10, 5, 100], [11, 9, 300]]);
    // schedstat moved (it ran): read again.
    writeProc(root, { pid: 10, start: 1, vol: 9, wchar: 300 });
    expect(seen()).toEqual([[10, 9, 300], [11, 9, 300]]);
    reader.closeAll();
  });

  it('an unreadable io or schedstat file leaves io null and the run delay 0 but keeps the reading', () => {
    const root = fakeRoot();
    writeProc(root, { pid: 10, start: 1, utime: 9 });
    rmSync(join(root, '10', 'io'));
    writeFileSync(join(root, '10', 'schedstat'), 'garbage');
    const [r] = new ProcReader(root, 10).readAll([10]);
    expect(r?.cpu[0]).toBe(9);
    expect(r?.io).toBeNull();
    expect(r?.cpu[2]).toBe(0);
  });
});

describe('ProcReader listing reuse while no task was created (LastPidWatch)', () => {
  const loadavg = (root: string, lastPid: number): void => writeFileSync(join(root, 'loadavg'), `0.10 0.20 0.30 1/321 ${lastPid}\n`);
  const pidsOf = (reader: ProcReader): number[] => reader.readAll(reader.listPids()).map((r) => r.pid);

  it('lists procRoot again only once the last pid moved; a process gone meanwhile drops out without a listing', () => {
    const root = fakeRoot();
    writeProc(root, { pid: 10, start: 1 });
    writeProc(root, { pid: 11, start: 2 });
    loadavg(root, 500);
    const reader = new ProcReader(root, 0, new LastPidWatch(join(root, 'loadavg')));
    expect(pidsOf(reader)).toEqual([10, 11]);
    // A real /proc cannot show a new process without a new last pid; this fake one can, which
    // shows that the listing was not taken.
    writeProc(root, { pid: 12, start: 3 });
    rmSync(join(root, '10'), { recursive: true });
    expect(pidsOf(reader)).toEqual([11]);
    loadavg(root, 501);
    expect(pidsOf(reader).sort((a, b) => a - b)).toEqual([11, 12]);
    reader.closeAll();
  });

  it('lists anyway after MAX_REUSED_LISTINGS reuses, and always without a watch', () => {
    const root = fakeRoot();
    writeProc(root, { pid: 10, start: 1 });
    loadavg(root, 500);
    const watched = new ProcReader(root, 0, new LastPidWatch(join(root, 'loadavg')));
    const plain = new ProcReader(root, 0);
    expect(pidsOf(watched)).toEqual([10]);
    writeProc(root, { pid: 12, start: 3 });
    for (let i = 0; i < MAX_REUSED_LISTINGS; i++) expect(pidsOf(watched)).toEqual([10]);
    expect(pidsOf(watched)).toEqual([10, 12]);
    expect(pidsOf(plain)).toEqual([10, 12]);
  });

  it('reads loadavg\'s last field, and trusts only a /proc of its own pid namespace', () => {
    expect(lastNumber(Buffer.from('0.10 0.20 0.30 1/321 4194303\n'))).toBe(4194303);
    expect(lastNumber(Buffer.from('0.10 0.20 0.30 1/321\n'))).toBe(321);
    expect(lastNumber(Buffer.from('garbage x\n'))).toBe(-1);
    expect(showsOwnPidNamespace('/proc')).toBe(true);
    expect(showsOwnPidNamespace(fakeRoot())).toBe(false);
  });
});

describe('keptOpenBudget', () => {
  it('keeps a quarter of the descriptor limit free and holds four files per process', () => {
    expect(keptOpenBudget(20_000)).toBe(3686);
    expect(keptOpenBudget(1024)).toBe(128);
  });

  it('keeps nothing open when the limit is tiny or unknown, and stays bounded when it is huge', () => {
    expect(keptOpenBudget(64)).toBe(0);
    expect(keptOpenBudget(null)).toBe(0);
    expect(keptOpenBudget(Number.MAX_SAFE_INTEGER)).toBe(32_768);
  });

  it('reads this process\'s real limit', () => {
    expect(keptOpenBudget()).toBeGreaterThan(0);
  });
});
