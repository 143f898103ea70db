import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DataPaths {
  readonly root: string;
  readonly store: string;
  readonly socket: string;
  readonly lock: string;
  readonly tokens: string;
}

export function dataPaths(root: string): DataPaths {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  return { root, store: join(root, 'chdb'), socket: join(root, 'runlens.sock'), lock: join(root, 'owner.pid'), tokens: join(root, 'api-tokens.json') };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * One process owns a chDB data directory. Returns null when we now own it, or the pid of
 * the live owner. A lock left by a dead process is taken over.
 */
export function acquireOwnership(paths: DataPaths): number | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(paths.lock, String(process.pid), { flag: 'wx' });
      return null;
    } catch {
      const owner = Number.parseInt(readFileSync(paths.lock, 'utf8'), 10);
      if (Number.isFinite(owner) && owner !== process.pid && alive(owner)) return owner;
      rmSync(paths.lock, { force: true });
    }
  }
  return -1;
}

export function releaseOwnership(paths: DataPaths): void {
  try {
    if (readFileSync(paths.lock, 'utf8').trim() === String(process.pid)) rmSync(paths.lock, { force: true });
  } catch {
    /* already gone */
  }
}
