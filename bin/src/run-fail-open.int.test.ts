import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempDir } from './testing/cli-harness.ts';
import { holdDataDirLock } from './testing/hold-data-dir-lock.ts';

/** Issue 11 item 2: whatever breaks the recording, `runlens run` runs the command and returns its exit code. */
const LIMIT_MS = 40_000; // the old code hung 120 s on a silent `up`

/** A socket that accepts and never answers; with `ping`, it answers pings only (an `up` stuck after start-up). */
function fakeUp(path: string, answersPing: boolean): Server {
  return createServer((sock) => {
    sock.on('data', (d) => {
      if (answersPing && d.toString().includes('"ping"')) sock.end('{"ok":true,"value":{"pid":1}}\n');
    });
    sock.on('error', () => sock.destroy());
  }).listen(path);
}

async function run(dataDir: string, tmp: string, code: number): Promise<CliResult & { ms: number }> {
  const t0 = Date.now();
  const r = await runCli(['run', '--', 'sh', '-c', `echo ran; exit ${code}`], { RUNLENS_DATA_DIR: dataDir, TMPDIR: tmp });
  return { ...r, ms: Date.now() - t0 };
}

const privateStores = (tmp: string): string[] => readdirSync(tmp).filter((n) => n.startsWith('runlens-'));

describe('runlens run fails open', () => {
  const servers: Server[] = [];
  afterEach(() => { for (const s of servers.splice(0)) s.close(); });

  it('runs the command in a data dir that cannot be created, says so, and removes its private store', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const r = await run(join(dir, 'file', 'data'), tmp, 7);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('ran');
    expect(r.stderr).toMatch(/not usable.*private store that is removed/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(privateStores(tmp)).toEqual([]);
  });

  it('runs the command promptly when up\'s socket never answers and the lock is held', async () => {
    const dir = tempDir();
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    servers.push(fakeUp(join(dir, 'runlens.sock'), false));
    const owner = await holdDataDirLock(dir); // a live owner: the lock cannot be taken
    const r = await run(dir, tmp, 5).finally(() => owner.release());
    expect(r.code).toBe(5);
    expect(r.ms).toBeLessThan(LIMIT_MS);
    expect(r.stderr).toContain('did not answer');
    expect(r.stderr).toContain('private store');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(privateStores(tmp)).toEqual([]);
  }, 120_000);

  it('runs the command when up answers ping but never the registration, and says it was not recorded', async () => {
    const dir = tempDir();
    servers.push(fakeUp(join(dir, 'runlens.sock'), true));
    const r = await run(dir, dir, 3);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('ran');
    expect(r.ms).toBeLessThan(LIMIT_MS);
    expect(r.stderr).toMatch(/not recorded: the run could not be registered/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
