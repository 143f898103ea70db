import type { Config } from './config.ts';
import { sleep } from './peers/child.ts';
import type { AgentName, RunningAgent } from './peers/peer.ts';
import { PEERS } from './peers/registry.ts';
import { liveProcesses } from './proc-meter.ts';

/** A peer that could not be installed, started or measured; the run goes on without it. */
export interface Failure {
  readonly phase: 'install' | 'overhead' | 'slowdown';
  readonly agent: AgentName | 'none';
  readonly target_processes: number | null;
  readonly repeat: number | null;
  readonly error: string;
}

export const log = (line: string): void => void process.stderr.write(`[collector-overhead] ${line}\n`);

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Forward order on even repeats, reversed on odd ones, so no agent always runs first. */
export function orderFor<T>(repeat: number, items: readonly T[]): T[] {
  return repeat % 2 === 0 ? [...items] : [...items].reverse();
}

/** Starts `agent`, runs `fn` with it, and always stops it. */
export async function withAgent<T>(agent: AgentName, cfg: Config, maxDurationS: number, fn: (a: RunningAgent) => Promise<T>): Promise<T> {
  const profile = cfg.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${cfg.BENCH_CPU_PROF_DIR}`] : [];
  const nodeFlags = agent === 'runlens' ? [...cfg.BENCH_RUNLENS_NODE_FLAGS, ...profile] : [];
  const running = await PEERS[agent].start({ maxDurationS, nodeFlags });
  try {
    const result = await fn(running);
    const died = running.exitReason();
    if (died !== null) throw new Error(`${agent} died while being measured: ${died}`);
    return result;
  } finally {
    await running.stop();
  }
}

/** After a load is killed, wait until the host is back near its earlier process count. */
export async function waitForDrop(below: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (liveProcesses() > below && Date.now() < deadline) await sleep(200);
}
