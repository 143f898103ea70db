import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BusyThreads } from './busy-threads.ts';

const roots: string[] = [];
afterEach(() => { for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true }); });

/** A /proc with one process whose threads have the given cumulative on-CPU and waiting ns. */
function procWith(pid: number, threads: Record<string, [number, number]>, root = mkdtempSync(join(tmpdir(), 'busy-'))): string {
  if (!roots.includes(root)) roots.push(root);
  for (const [tid, [run, wait]] of Object.entries(threads)) {
    mkdirSync(join(root, String(pid), 'task', tid), { recursive: true });
    writeFileSync(join(root, String(pid), 'task', tid, 'schedstat'), `${run} ${wait} 12\n`);
  }
  return root;
}

describe('BusyThreads', () => {
  it('counts the one computing thread of an Open MPI rank, not its sleeping progress threads', () => {
    const root = procWith(42, { 42: [5e9, 1e8], 43: [1e6, 0], 44: [2e6, 0] });
    const busy = new BusyThreads(root);
    expect(busy.scan(42, 7, 3, 100)).toBeNull(); // first scan: no interval yet
    procWith(42, { 42: [5.9e9, 1.5e8], 43: [1.1e6, 0], 44: [2e6, 0] }, root);
    expect(busy.scan(42, 7, 3, 101)?.busy).toBe(1);
  });

  it('counts a thread born since the previous scan from zero, and waiting for a CPU as busy', () => {
    const root = procWith(42, { 42: [0, 0], 43: [0, 0] });
    const busy = new BusyThreads(root);
    busy.scan(42, 7, 2, 100);
    procWith(42, { 42: [0, 6e8], 43: [0, 0], 45: [3e8, 0] }, root);
    expect(busy.scan(42, 7, 3, 101)?.busy).toBe(2);
  });

  it('skips single-threaded and very many-threaded processes, and a vanished one', () => {
    const busy = new BusyThreads(procWith(42, { 42: [0, 0] }));
    expect(busy.scan(42, 7, 1, 100)).toBeNull();
    expect(busy.scan(42, 7, 10_000, 100)).toBeNull();
    expect(busy.scan(99, 7, 4, 100)).toBeNull();
  });

  it('a reused pid (new start time) starts over', () => {
    const root = procWith(42, { 42: [5e9, 0], 43: [0, 0] });
    const busy = new BusyThreads(root);
    busy.scan(42, 7, 2, 100);
    busy.sweep();
    expect(busy.scan(42, 8, 2, 101)).toBeNull();
  });

  it('sums every thread\'s wait for a CPU, not the main thread\'s alone (an OpenMP process: main waits on a barrier)', () => {
    const root = procWith(42, { 42: [1e9, 0], 43: [1e9, 2e9], 44: [1e9, 3e9] });
    const busy = new BusyThreads(root);
    busy.scan(42, 7, 3, 100);
    procWith(42, { 42: [1e9, 0], 43: [1.4e9, 2.6e9], 44: [1.4e9, 3.6e9], 45: [0, 2e8] }, root);
    // Two seconds: 0.6 + 0.6 + 0.2 (a thread born since) = 1.4 s of waiting, 0.7 cores' worth.
    expect(busy.scan(42, 7, 4, 102)?.wait_ns_per_s).toBeCloseTo(0.7e9, 0);
  });
});
