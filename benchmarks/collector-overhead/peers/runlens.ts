import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnPeer } from './child.ts';
import type { PeerDef, RunningAgent, StartOptions } from './peer.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(import.meta.dirname, '..', 'runlens-agent.ts');

let compiled: string | undefined;

/** The node flags `bin/runlens agent` starts the agent with, so it is measured as it runs. */
const agentNodeFlags = (): string[] => readFileSync(join(REPO_ROOT, 'bin/agent.node-flags'), 'utf8').split(/\s+/).filter((f) => f !== '');

/**
 * runlens-agent.ts compiled by bin/build.mjs exactly as the roles are (bin/runlens runs
 * compiled JS, never tsx), once per harness process.
 */
function compiledEntry(): string {
  compiled ??= execFileSync(process.execPath, [join(REPO_ROOT, 'bin/build.mjs'), '--entry', ENTRY, 'bench-collector-agent'], {
    cwd: REPO_ROOT, encoding: 'utf8',
  }).trim();
  return compiled;
}

/** Starts the compiled runlens-agent.ts; ticks come from its SIGUSR2 answer. */
async function startRunlens(opts: StartOptions): Promise<RunningAgent> {
  const args = [...agentNodeFlags(), ...opts.nodeFlags, compiledEntry(), String(opts.maxDurationS)];
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
    const line = nextLine(15_000); // a tick in progress delays the answer; under load it can take seconds
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
  version: () => `node ${process.version}, compiled by bin/build.mjs (working tree)`,
  settings: () => ({ samplers: ['process', 'node'], interval_ms: 1000, entry: 'runlens-agent.ts', node_flags: agentNodeFlags() }),
  start: startRunlens,
};
