import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, constants, fchmodSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataPaths {
  readonly root: string;
  readonly store: string;
  readonly socket: string;
  readonly lock: string;
  readonly tokens: string;
  /** The dashboard's users (web/src/users.ts, `runlens user`). */
  readonly users: string;
}

/**
 * The data dir's paths. The dir holds the store, API tokens and the local socket, so it is
 * private: created 0700, and an existing one is tightened to 0700 (mkdir's mode only applies
 * when it creates). A sticky, shared dir such as /tmp is refused rather than chmod-ed.
 */
export function dataPaths(root: string): DataPaths {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const mode = statSync(root).mode;
  if (mode & 0o1000) throw new Error(`data dir ${root} is a shared sticky directory (mode ${(mode & 0o7777).toString(8)}); use a private directory`);
  if (mode & 0o077) chmodSync(root, 0o700);
  return { root, store: join(root, 'chdb'), socket: join(root, 'runlens.sock'), lock: join(root, 'owner.pid'), tokens: join(root, 'api-tokens.json'), users: join(root, 'users.json') };
}

/** Lock file → the descriptor whose open file description holds the flock. */
const held = new Map<string, number>();

/** flock(1)'s exit status when another holder has the lock (our choice, via --conflict-exit-code). */
const CONFLICT = 75;

/**
 * One process owns a data directory. Returns null when we now own it, or the pid of the live
 * owner (-1 if no live pid could be read from the lock file).
 *
 * The lock is a kernel flock(2) on `owner.pid`, taken by util-linux's flock(1) on a descriptor
 * we pass it. flock locks belong to the open file description, which parent and child share,
 * so the lock outlives flock(1) and lasts until this process closes the fd or dies: the
 * kernel releases it, so there is no stale lock to judge and no check-then-take race (two
 * `up`s on a stale pid file both took the dir with the old wx + liveness check). Rejected:
 * an O_EXCL file or lock dir (a stale one must be judged and removed: racy); a file socket
 * (the socket file outlives its process: the same stale check); an abstract socket (one per
 * network namespace, not per path, and any local user can squat the name); Node has no
 * flock binding and native addons are out. Node opens files O_CLOEXEC, so a daemon left
 * behind by a recorded command never inherits the lock.
 * Release unlinks the file while still holding the lock, and a winner checks that the file
 * it locked is still the one at the path: otherwise a process that opened the old inode
 * could lock it after our close while a newcomer locks a new file, and both would own.
 */
export function acquireOwnership(paths: DataPaths): number | null {
  if (held.has(paths.lock)) return null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const fd = openSync(paths.lock, constants.O_RDWR | constants.O_CREAT, 0o600);
    if (!flockNonblocking(fd, paths.lock)) {
      closeSync(fd);
      return ownerPid(paths.lock);
    }
    if (isCurrentFile(fd, paths.lock)) {
      fchmodSync(fd, 0o600); // an owner.pid from an older runlens may be 0644
      ftruncateSync(fd, 0);
      writeSync(fd, `${process.pid}\n`, 0);
      held.set(paths.lock, fd);
      return null;
    }
    closeSync(fd); // we locked the file a releasing owner had just unlinked: lock the new one
  }
  return -1;
}

/** True when we got the lock, false when another process holds it. */
function flockNonblocking(fd: number, lock: string): boolean {
  const r = spawnSync('flock', ['--exclusive', '--nonblock', '--conflict-exit-code', String(CONFLICT), '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
  });
  if (r.status === 0) return true;
  if (r.status === CONFLICT) return false;
  const why = r.error ? `${r.error.message} (flock(1) from util-linux is required)` : (r.stderr?.toString().trim() || `exit ${String(r.status)}`);
  throw new Error(`cannot lock ${lock}: ${why}`);
}

/** Whether the descriptor we locked is still the file at `path` (release unlinks it). */
function isCurrentFile(fd: number, path: string): boolean {
  const locked = fstatSync(fd);
  try {
    const now = statSync(path);
    return now.ino === locked.ino && now.dev === locked.dev;
  } catch {
    return false;
  }
}

/**
 * The owner writes its pid just after it takes the lock, so a loser can still see the pid of
 * the dead process that left the file: wait a moment for a live pid.
 */
function ownerPid(lock: string): number {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 50; i++) {
    const pid = Number.parseInt(readText(lock), 10);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) return pid;
    Atomics.wait(nap, 0, 0, 20);
  }
  return -1;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function releaseOwnership(paths: DataPaths): void {
  const fd = held.get(paths.lock);
  if (fd === undefined) return;
  held.delete(paths.lock);
  rmSync(paths.lock, { force: true }); // before the close: see acquireOwnership
  closeSync(fd); // the last descriptor of the description: the kernel drops the lock
}
