import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnPeer } from './child.ts';
import type { PeerDef, RunningAgent, StartOptions } from './peer.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(import.meta.dirname, '..', 'runlens-agent.ts');

/** Starts runlens-agent.ts through tsx, as bin/runlens runs production code; ticks come from its SIGUSR2 answer. */
async function startRunlens(opts: StartOptions): Promise<RunningAgent> {
  const loader = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
  const args = [...opts.nodeFlags, '--import', loader, ENTRY, String(opts.maxDurationS)];
  const child = await spawnPeer('runlens', process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters: ((line: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      process.stderr.write(`runlens agent (not JSON): ${text}\n`);
      return;
    }
    waiters.shift()?.(line);
  });
  const nextLine = (ms: number): Promise<Record<string, unknown>> => new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`runlens agent did not answer within ${ms} ms: ${child.exitReason() ?? 'still running'}`)), ms);
    waiters.push((l) => { clearTimeout(timer); ok(l); });
  });
  try {
    await nextLine(30_000); // {"ready":true}
  } catch (e) {
    await child.stop();
    throw e;
  }
  const counters = async (): Promise<Record<string, unknown>> => {
    const line = nextLine(5000);
    child.child.kill('SIGUSR2');
    return line;
  };
  return {
    pid: child.pid,
    exitReason: child.exitReason,
    ticks: async () => Number((await counters()).ticks),
    extra: async () => counters(),
    stop: () => child.stop(),
  };
}

/** The RunLens node agent: process + node samplers → Arrow → MemoryBus (see runlens-agent.ts). */
export const runlens: PeerDef = {
  id: 'runlens',
  scope: 'process',
  debian: null,
  ticks: 'Agent.ticks, read over SIGUSR2 at the window edges',
  version: () => `node ${process.version} + tsx (working tree)`,
  settings: () => ({ samplers: ['process', 'node'], interval_ms: 1000, entry: 'runlens-agent.ts' }),
  start: startRunlens,
};
