import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contendingRuns, concurrentRuns } from './concurrent.ts';
import { ScenarioStack } from './harness.ts';
import { killAll } from './workloads.ts';

const pidsOf = (rows: readonly { pid: number; start_ticks: number }[] | undefined): Set<string> => new Set((rows ?? []).map((r) => `${r.pid}:${r.start_ticks}`));
const overlap = (a: Set<string>, b: Set<string>): string[] => [...a].filter((x) => b.has(x));

/** Attribution with concurrent runs on this machine: whose load slowed whom, and outside load blamed on no run. */
describe('concurrent runs on one host', () => {
  let stack: ScenarioStack;
  beforeAll(async () => {
    stack = await ScenarioStack.open(join(mkdtempSync(join(tmpdir(), 'runlens-conc-')), 'store'));
  });
  afterAll(async () => {
    killAll();
    await stack?.close();
  });

  it('a run started beside another slows it, and the first run\'s cpu_interference names the second', async () => {
    const ids = [`conc-a-${Date.now().toString(36)}`, `conc-b-${Date.now().toString(36)}`] as const;
    const o = await concurrentRuns(stack, contendingRuns(ids));
    expect(overlap(pidsOf(o.procs.get(ids[0])), pidsOf(o.procs.get(ids[1])))).toEqual([]);
    const f = o.findings.get(ids[0])?.find((x) => x.kind === 'cpu_interference');
    expect(f?.evidence.outside_runs).toContain(ids[1]);
    expect(Number(f?.evidence.outside_run_cores_mean)).toBeGreaterThan(0); // load-dependent: the machine is shared
    // The second run only ever ran beside the first: it is slowed by the first.
    expect(o.findings.get(ids[1])?.find((x) => x.kind === 'cpu_interference')?.evidence.outside_runs).toContain(ids[0]);
  }, 180_000);

  it('outside load is named by its process and never blamed on an idle run sharing the host', async () => {
    const ids = [`out-a-${Date.now().toString(36)}`, `out-idle-${Date.now().toString(36)}`] as const;
    const o = await concurrentRuns(stack, [
      { id: ids[0], cmd: 'stress-ng', args: ['--cpu', '2', '--timeout', '22s'], allocCores: 2, delayMs: 0 },
      { id: ids[1], cmd: 'sleep', args: ['22'], allocCores: 1, delayMs: 0 },
    ], { delayMs: 6000, script: 'stress-ng --cpu 2 --timeout 12s' });
    const idle = o.procs.get(ids[1]) ?? [];
    expect([...new Set(idle.map((r) => r.comm))]).toEqual(['sleep']);
    expect(Math.max(0, ...idle.map((r) => r.cpu_user_cores + r.cpu_sys_cores))).toBeLessThan(0.1);
    const f = o.findings.get(ids[0])?.find((x) => x.kind === 'cpu_interference');
    expect(f).toBeDefined();
    expect(String(f?.evidence.outside_runs)).not.toContain(ids[1]);
    expect(String(f?.evidence.top_outside)).not.toContain(ids[1]);
    expect(o.findings.get(ids[1])?.map((x) => x.kind)).not.toContain('cpu_bound');
  }, 180_000);

  it('a worker the run daemonised (re-parented to init at once) stays the run\'s, by its environment', async () => {
    const id = `daemon-${Date.now().toString(36)}`;
    const o = await concurrentRuns(stack, [{ id, cmd: 'sh', args: ['-c', '(stress-ng --cpu 1 --timeout 12s >/dev/null 2>&1 &); sleep 13'], allocCores: 1, delayMs: 0 }]);
    const worker = (o.procs.get(id) ?? []).filter((r) => r.comm.startsWith('stress-ng'));
    expect(worker.length).toBeGreaterThan(5);
    expect(worker.every((r) => r.ppid !== process.pid)).toBe(true);
    expect(Math.max(0, ...worker.map((r) => r.cpu_user_cores + r.cpu_sys_cores))).toBeGreaterThan(0.05); // it computes (how much: the shared machine decides)
  }, 180_000);
});
