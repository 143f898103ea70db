import { rowsOf, silentLogger } from '@runlens/schemas';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { afterEach, expect, it } from 'vitest';
import { monoSeconds, readHostFacts } from '../../lib/host-facts.ts';
import { type HostContext, type Tick, isAbsent } from '../../sampler.ts';
import { processSampler } from './index.ts';
import { parseIo, parseStat } from './parse.ts';

/* Real processes on real /proc: a sh runs dd, which writes 32 MiB and waits for EOF; the sh reaps it. */

const MIB_32 = 32 * 2 ** 20;
let sh: ChildProcess | null = null;
let dir = '';
afterEach(() => {
  if (sh && sh.exitCode === null && sh.signalCode === null) sh.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const wcharOf = (pid: number): number => parseIo(readFileSync(`/proc/${pid}/io`, 'latin1'))?.wchar ?? Number.NaN;
const childOf = (ppid: number): number | undefined => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number)
  .find((pid) => { try { return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.ppid === ppid; } catch { return false; } });

async function until<T>(what: string, probe: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('a sh that reaps dd shows no second copy of dd\'s writes, and the rows add up to dd\'s bytes once', async () => {
  const facts = readHostFacts('live');
  const host: HostContext = { host: 'live', procRoot: '/proc', sysRoot: '/sys', clkTck: facts.clkTck, pageSize: facts.pageSize, log: silentLogger };
  const s = await processSampler.create(processSampler.config.parse({}), host);
  if (isAbsent(s)) throw new Error(s.absent);
  dir = mkdtempSync(join(tmpdir(), 'reap-int-'));
  // `read` is a builtin, so the sh has no child at the first scan; `exec sleep` keeps its pid and counters.
  const script = `read x; dd of=${dir}/out bs=1M iflag=fullblock conv=fsync status=none; echo reaped; exec sleep 30`;
  sh = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  await once(sh, 'spawn');
  const shPid = sh.pid ?? -1;
  const tick = async (): Promise<Row<'process_samples'>[]> => {
    const mono_s = monoSeconds();
    const t: Tick = { ts: Math.round(mono_s * 1000), mono_s, runs: [], attribute: () => null, observeProcesses: () => {} };
    return rowsOf((await s.sample(t)).process_samples ?? []).filter((r) => r.pid === shPid || r.ppid === shPid);
  };

  const before = wcharOf(shPid);
  const all: Row<'process_samples'>[] = [...(await tick())];
  sh.stdin?.write('go\n');
  sh.stdin?.write(Buffer.alloc(MIB_32, 1));
  const ddPid = await until('dd', () => childOf(shPid));
  await until('dd to write 32 MiB', () => wcharOf(ddPid) >= MIB_32);
  const seen = await tick();
  all.push(...seen);
  expect(seen.find((r) => r.pid === ddPid)?.wchar_per_s).toBeGreaterThan(0);
  sh.stdin?.end();
  await once(sh.stdout as NodeJS.ReadableStream, 'data');
  const reap = await tick();
  all.push(...reap);
  const after = wcharOf(shPid);
  s.close();

  const shRow = reap.find((r) => r.pid === shPid);
  expect(shRow).toBeDefined();
  expect(after - before).toBeGreaterThanOrEqual(MIB_32); // the kernel did fold dd into the sh
  // Before the fix this was dd's 32 MiB again; now only the sh's own "reaped\n".
  expect((shRow?.wchar_per_s ?? 0) * (shRow?.interval_s ?? 0)).toBeCloseTo(7, 0);
  const total = all.reduce((sum, r) => sum + (r.wchar_per_s ?? 0) * r.interval_s, 0);
  expect(total).toBeCloseTo(after - before, 0);
});
