import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireOwnership, dataPaths, releaseOwnership } from './data-dir.ts';
import { holdDataDirLock } from './testing/hold-data-dir-lock.ts';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'runlens-dd-'));
const modeOf = (p: string): number => statSync(p).mode & 0o7777;

describe('dataPaths keeps the data dir private (issue 11, item 9)', () => {
  it('creates a missing data dir 0700', () => {
    const root = join(fresh(), 'a', 'b');
    dataPaths(root);
    expect(modeOf(root)).toBe(0o700);
  });

  it('tightens an existing group- or world-readable data dir to 0700', () => {
    const root = join(fresh(), 'existing');
    mkdirSync(root);
    chmodSync(root, 0o755);
    dataPaths(root);
    expect(modeOf(root)).toBe(0o700);
  });

  it('refuses a shared sticky directory such as /tmp instead of chmod-ing it', () => {
    const root = join(fresh(), 'shared');
    mkdirSync(root);
    chmodSync(root, 0o1777);
    expect(() => dataPaths(root)).toThrow(/sticky/);
    expect(modeOf(root)).toBe(0o1777);
  });
});

describe('ownership in one process', () => {
  it('records our pid while held, is idempotent, and lets go on release', () => {
    const paths = dataPaths(fresh());
    expect(acquireOwnership(paths)).toBeNull();
    expect(acquireOwnership(paths)).toBeNull(); // a second call from the owner is not a conflict
    expect(readFileSync(paths.lock, 'utf8').trim()).toBe(String(process.pid));
    expect(modeOf(paths.lock)).toBe(0o600);
    releaseOwnership(paths);
    expect(existsSync(paths.lock)).toBe(false);
    expect(acquireOwnership(paths)).toBeNull();
    releaseOwnership(paths);
  });
});

describe('ownership against another process', () => {
  it('names the live holder, and takes the dir once it is gone', async () => {
    const paths = dataPaths(fresh());
    const other = await holdDataDirLock(paths.root);
    try {
      expect(acquireOwnership(paths)).toBe(other.pid);
    } finally {
      await other.release();
    }
    expect(acquireOwnership(paths)).toBeNull(); // its pid is still in the file: stale, and ignored
    releaseOwnership(paths);
  });
});
