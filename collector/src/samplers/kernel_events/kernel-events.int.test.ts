import { silentLogger, sleep } from '@runlens/schemas';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext, SamplerInstance, Tick } from '../../sampler.ts';
import { kernelEventsSampler } from './index.ts';

const MEMCG_ROOT = '/sys/fs/cgroup/memory';
const canRun = ((): boolean => {
  try {
    accessSync('/dev/kmsg', constants.R_OK);
    accessSync(MEMCG_ROOT, constants.W_OK);
    return existsSync(join(MEMCG_ROOT, 'memory.limit_in_bytes'));
  } catch {
    return false;
  }
})();
const host: HostContext = { host: 'int-host', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log: silentLogger };
const tick: Tick = { ts: Date.now(), mono_s: 0, runs: [], attribute: () => null, observeProcesses: () => {} };
const cg = join(MEMCG_ROOT, `rl_kev_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);

/** Joins the cgroup, then touches memory until the kernel kills it; resolves with its pid and signal. */
function hog(): Promise<{ pid: number; signal: string | null }> {
  const script = `echo $$ > ${cg}/cgroup.procs && exec ${process.execPath} -e "const a=[]; for(;;) a.push(Buffer.alloc(1<<20, 1))"`;
  const child = spawn('sh', ['-c', script], { stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', (_, signal) => resolve({ pid: child.pid ?? -1, signal })));
}

async function oomRows(s: SamplerInstance, pid: number): Promise<Row<'node_events'>[]> {
  for (let i = 0; i < 50; i++) {
    const rows = ((await s.sample(tick)).node_events ?? []).filter((r) => r.kind === 'oom_kill' && r.pid === pid);
    if (rows.length > 0) return rows;
    await sleep(100);
  }
  return [];
}

describe.skipIf(!canRun)('kernel_events on the real kernel (root, /dev/kmsg, cgroup v1 memory)', () => {
  afterAll(async () => {
    for (let i = 0; i < 20 && existsSync(cg); i++) {
      try { rmdirSync(cg); } catch { await sleep(100); } // the killed task may take a moment to leave
    }
  });

  it('a process over its memory.limit_in_bytes is OOM-killed and the sampler emits oom_kill with its pid', async () => {
    const startedMs = Date.now();
    const made = await kernelEventsSampler.create(kernelEventsSampler.config.parse({}), host);
    if (isAbsent(made)) throw new Error(made.absent);
    try {
      const first = (await made.sample(tick)).node_events ?? []; // started at the end: no boot-log replay
      expect(first.filter((r) => r.ts < startedMs - 5_000)).toEqual([]);
      mkdirSync(cg);
      writeFileSync(join(cg, 'memory.limit_in_bytes'), String(96 << 20));
      const victim = await hog();
      expect(victim.signal).toBe('SIGKILL');
      const [row] = await oomRows(made, victim.pid);
      expect(row).toMatchObject({ host: 'int-host', kind: 'oom_kill', pid: victim.pid, severity: 'critical', detail: 'memcg',
        cgroup: cg.slice(MEMCG_ROOT.length), limit_bytes: 96 << 20 });
      expect(Math.abs((row?.ts ?? 0) - Date.now())).toBeLessThan(60_000);
    } finally {
      await made.close();
    }
  }, 30_000);
});
