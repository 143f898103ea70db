import { sleep } from '@runlens/schemas';
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A peer process the harness started; knows its stderr tail so failures can say why. */
export interface PeerChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Null while running; otherwise how it ended plus the last stderr lines. */
  exitReason(): string | null;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
const TAIL_LINES = 8;

export { sleep } from '@runlens/schemas';

/** SIGKILLs every peer still running and removes their temp dirs; synchronous so it can run in an 'exit' handler. */
export function killAllPeers(): void {
  for (const c of [...live]) {
    try {
      c.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    live.delete(c);
  }
  for (const d of [...dirs]) removeTempDir(d);
}

/** A fresh temp dir for a peer's config and output; removed by removeTempDir or, at the latest, by killAllPeers. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Spawns `bin`; stderr is kept (last lines) unless the caller pipes it elsewhere. Throws if it cannot start. */
export async function spawnPeer(peer: string, bin: string, args: readonly string[], opts: SpawnOptions = {}): Promise<PeerChild> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  live.add(child);
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail.push(...chunk.split('\n').filter((l) => l.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  });
  child.once('exit', () => live.delete(child));
  // Lazy, so the stderr that arrives after 'exit' is still in the message.
  const exitReason = (): string | null => {
    if (child.exitCode === null && child.signalCode === null) return null;
    const how = child.signalCode ?? `code ${child.exitCode}`;
    return `${peer} exited (${how})${tail.length > 0 ? `; stderr: ${tail.join(' | ')}` : ''}`;
  };
  const spawned = await new Promise<Error | null>((ok) => {
    child.once('spawn', () => ok(null));
    child.once('error', (e) => ok(e));
  });
  if (spawned) {
    live.delete(child);
    throw new Error(`${peer}: cannot start ${bin}: ${spawned.message}`);
  }
  return { child, pid: child.pid ?? -1, exitReason, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  live.delete(child);
}

/**
 * Polls `ready` every 100 ms until it returns true. Throws, naming the peer, if the peer exits
 * first or `timeoutMs` passes; the caller stops the peer.
 */
export async function waitUntilReady(peer: PeerChild, name: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (peer.exitReason() !== null || !(await ready())) {
    if (peer.exitReason() !== null) {
      await sleep(200); // let the last stderr arrive
      throw new Error(`${name} failed to start: ${peer.exitReason() ?? ''}`);
    }
    if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** A loopback port free right now; the peer may still lose a race for it, which its startup check reports. */
export { freePort } from '@runlens/pipeline/testing/servers';
