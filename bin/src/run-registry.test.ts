import type { Row, RunReport } from '@runlens/schemas';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRow } from './commands/run.ts';
import type { RegisterRequest } from './local-socket.ts';
import { RunRegistry } from './run-registry.ts';
import type { StoredRun } from './run-store-queries.ts';
import { tempDir } from './testing/cli-harness.ts';

/** Issue 11 items 3 and 8: the run lifecycle of `runlens up`, with a fake /proc and a fake store. */
const UID = 1000;

function fakeProc(root: string, pid: number, uid: number, startTicks: number): void {
  mkdirSync(join(root, String(pid)), { recursive: true });
  writeFileSync(join(root, String(pid), 'stat'), `${pid} (my job) S 1 ${pid} ${pid} 0 -1 4194304 ${'0 '.repeat(12)}${startTicks} 1000 200\n`);
  writeFileSync(join(root, String(pid), 'status'), `Name:\tmy job\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
}

function setup(stored: StoredRun[] = []) {
  const procRoot = tempDir();
  let clock = 1_000_000;
  const published: Row<'runs'>[] = [];
  const agentRuns = new Set<string>();
  let registerDelay: Promise<void> = Promise.resolve();
  const registry = new RunRegistry({
    uid: UID, user: 'ann', procRoot, lostAfterMs: 10_000, now: () => clock,
    toRow: (m, end) => runRow(m, 'n1', 'c', end),
    addRun: (r) => agentRuns.add(r.run_id),
    removeRun: (id) => agentRuns.delete(id),
    publishRun: async (row) => { await registerDelay; published.push(row); },
    finishRun: async (row) => { published.push(row); return { run: row } as unknown as RunReport; },
    selectRunById: async (id) => stored.find((r) => r.run_id === id) ?? null,
    selectRunningRuns: async () => stored.filter((r) => r.status === 'running'),
    toLogRows: () => [],
  });
  return {
    registry, procRoot, published, agentRuns,
    tick: (ms: number) => { clock += ms; },
    slowPublish: (p: Promise<void>) => { registerDelay = p; },
  };
}

const req = (run_id: string, root_pid: number, extra: Partial<RegisterRequest> = {}): RegisterRequest => ({
  op: 'register', run_id, root_pid, app: 'a', user: 'ann', cmd: 'a', alloc_cores: 1, start_ts: 1000, job_id: '', ...extra,
});
const fin = (run_id: string) => ({ op: 'finish' as const, run_id, exit_code: 0, end_ts: 2000, totals: null });
const statusOf = (rows: Row<'runs'>[], id: string): string | undefined => rows.filter((r) => r.run_id === id).at(-1)?.status;

describe('RunRegistry', () => {
  it('finishes a run whose register row has not reached the store (finish waits for registration)', async () => {
    const t = setup();
    fakeProc(t.procRoot, 40, UID, 500);
    let publish = (): void => undefined;
    t.slowPublish(new Promise((r) => { publish = r; }));
    const registering = t.registry.register(req('r1', 40));
    const finishing = t.registry.finish(fin('r1'));
    publish();
    await registering;
    await expect(finishing).resolves.toBeDefined();
    expect(statusOf(t.published, 'r1')).toBe('finished');
  });

  it('refuses a registration for an existing run id: live here, or already in the store', async () => {
    const t = setup([{ run_id: 'old', app: 'x', user: 'bob', cmd: 'x', alloc_cores: 1, start_ts: 1, job_id: '', status: 'finished' }]);
    fakeProc(t.procRoot, 40, UID, 500);
    await t.registry.register(req('r1', 40));
    await expect(t.registry.register(req('r1', 40))).rejects.toThrow('already exists');
    await expect(t.registry.register(req('old', 40))).rejects.toThrow('already exists');
    await expect(t.registry.finish(fin('old'))).rejects.toThrow('unknown run');
  });

  it('takes the user from the socket owner: refuses another user name and another uid\'s root process', async () => {
    const t = setup();
    fakeProc(t.procRoot, 40, UID, 500);
    fakeProc(t.procRoot, 41, 0, 500);
    await expect(t.registry.register(req('r1', 40, { user: 'bob' }))).rejects.toThrow('user bob cannot register');
    await expect(t.registry.register(req('r2', 41))).rejects.toThrow('belongs to uid 0');
    await expect(t.registry.register(req('r3', 42))).rejects.toThrow('not running');
    await t.registry.register(req('r4', 40, { user: undefined }));
    expect(t.published.find((r) => r.run_id === 'r4')?.user).toBe('ann');
  });

  it('marks a run lost once its root process is gone or its pid reused, and a late finish still wins', async () => {
    const t = setup();
    fakeProc(t.procRoot, 40, UID, 500);
    fakeProc(t.procRoot, 50, UID, 600);
    await t.registry.register(req('gone', 40));
    await t.registry.register(req('reused', 50));
    rmSync(join(t.procRoot, '40'), { recursive: true });
    fakeProc(t.procRoot, 50, UID, 999); // another process now has pid 50
    expect(await t.registry.sweep()).toEqual([]); // within the grace period
    t.tick(11_000);
    expect((await t.registry.sweep()).sort()).toEqual(['gone', 'reused']);
    expect(statusOf(t.published, 'gone')).toBe('lost');
    expect(t.agentRuns.has('gone')).toBe(false);
    await t.registry.finish(fin('gone'));
    const last = t.published.at(-1);
    expect(last?.status).toBe('finished');
    expect(last?.updated_ts).toBeGreaterThan(t.published.find((r) => r.status === 'lost')?.updated_ts ?? Infinity);
  });

  it('keeps a run whose root process lives', async () => {
    const t = setup();
    fakeProc(t.procRoot, 40, UID, 500);
    await t.registry.register(req('r1', 40));
    t.tick(60_000);
    expect(await t.registry.sweep()).toEqual([]);
    t.tick(60_000);
    expect(await t.registry.sweep()).toEqual([]);
  });

  it('carries the GPUs the run was allocated into its rows, also when finished from the store after a restart', async () => {
    const t = setup([{ run_id: 'gpu-old', app: 'x', user: 'ann', cmd: 'x', alloc_cores: 1, alloc_gpus: 4, start_ts: 5, job_id: '', status: 'running' }]);
    fakeProc(t.procRoot, 40, UID, 500);
    await t.registry.register(req('g1', 40, { alloc_gpus: 2 }));
    await t.registry.register(req('g0', 40));
    await t.registry.finish(fin('g1'));
    await t.registry.finish(fin('gpu-old'));
    const last = (id: string): Row<'runs'> | undefined => t.published.filter((r) => r.run_id === id).at(-1);
    expect(t.published.filter((r) => r.run_id === 'g1').map((r) => [r.status, r.alloc_gpus])).toEqual([['running', 2], ['finished', 2]]);
    expect(last('g0')?.alloc_gpus).toBe(0); // a client without the field
    expect(last('gpu-old')).toMatchObject({ status: 'finished', alloc_gpus: 4 });
  });

  it('at start-up marks the runs a previous owner left running as lost', async () => {
    const t = setup([{ run_id: 'orphan', app: 'x', user: 'ann', cmd: 'x', alloc_cores: 1, start_ts: 5, job_id: '', status: 'running' }]);
    expect(await t.registry.markLostAtStartup()).toEqual(['orphan']);
    expect(statusOf(t.published, 'orphan')).toBe('lost');
  });
});
