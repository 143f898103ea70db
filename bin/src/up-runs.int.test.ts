import { runReportSchema } from '@runlens/schemas';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callSocket } from './local-socket.ts';
import { runCli, startCli, tempDir } from './testing/cli-harness.ts';

/** Issue 11 items 3 and 8 against a real `runlens up`: register/finish, the socket's rules, lost runs. */
const dir = tempDir();
const env = { RUNLENS_DATA_DIR: dir, RUNLENS_HTTP_PORT: '0' };
const sockPath = join(dir, 'runlens.sock');
const spawned: ChildProcess[] = [];

async function startUp(): Promise<ReturnType<typeof startCli>> {
  const up = startCli(['up'], env);
  let err = '';
  up.child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const deadline = Date.now() + 90_000;
  while (!err.includes('"msg":"runlens up"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (!err.includes('"msg":"runlens up"')) throw new Error(`up did not start:\n${err}`);
  await callSocket(sockPath, { op: 'ping' }, 10_000);
  return up;
}

const register = (run_id: string, root_pid: number, user = userInfo().username): Promise<unknown> =>
  callSocket(sockPath, { op: 'register', run_id, root_pid, app: 'it', user, cmd: 'sleep', alloc_cores: 1, start_ts: Date.now(), job_id: '' }, 20_000);

function sleeper(): number {
  const c = spawn('sleep', ['600'], { stdio: 'ignore' });
  spawned.push(c);
  return c.pid ?? 0;
}

afterAll(() => { for (const c of spawned) c.kill('SIGKILL'); });

describe('runlens up run lifecycle', () => {
  let up: ReturnType<typeof startCli>;

  it('reports `runlens run -- true` every time (no "unknown run")', async () => {
    up = await startUp();
    for (let i = 0; i < 5; i++) {
      const r = await runCli(['run', '--', 'true'], env);
      expect(r.stderr).not.toContain('unknown run');
      expect(r.code).toBe(0);
      expect(r.stderr, r.stderr).toContain('RunLens report');
    }
    // The stderr tail travels to `up` with the finish, and comes back in the report.
    const dir2 = tempDir();
    const json = join(dir2, 'r.json');
    const r = await runCli(['run', '--json', json, '--', 'sh', '-c', 'echo to-stdout; echo first >&2; echo second >&2; exit 4'], env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('to-stdout\n');
    const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.log?.lines.map((l) => l.line)).toEqual(['first', 'second']);
    expect(report.run.ending).toMatchObject({ how: 'failed', exit_code: 4 });
    // `runlens runs` asks up over the socket: the six runs, newest first, the failed one on top.
    const list = await runCli(['runs', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    const runs = JSON.parse(list.stdout) as { run_id: string; status: string; exit_code: number | null }[];
    expect(runs.map((x) => [x.status, x.exit_code])).toEqual([['failed', 4], ...Array.from({ length: 5 }, () => ['finished', 0])]);
    expect(runs[0]?.run_id).toBe(report.run.run_id);
    const two = await runCli(['runs', '-n', '2', '--status', 'finished'], env);
    expect(two.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['RUN', runs[1]?.run_id, runs[2]?.run_id]);
  });

  it('serves a 0600 socket, trusts no user name from the request, and refuses an existing run id', async () => {
    expect(statSync(sockPath).mode & 0o777).toBe(0o600);
    const pid = sleeper();
    await expect(register('r-bob', pid, 'bob')).rejects.toThrow('user bob cannot register');
    await register('r-dup', pid);
    await expect(register('r-dup', pid)).rejects.toThrow('already exists');
  });

  it('marks runs left running by a killed up as lost when up starts again', async () => {
    const pid = sleeper();
    await register('r-orphan', pid);
    up.child.kill('SIGKILL');
    await up.done;
    up = await startUp();
    expect((await runCli(['run', '--', 'true'], env)).code).toBe(0);
    up.child.kill('SIGTERM');
    expect((await up.done).code).toBe(0);
    const rep = await runCli(['report', 'r-orphan', '--json'], env);
    expect(rep.code).toBe(0);
    expect(runReportSchema.parse(JSON.parse(rep.stdout)).run.status).toBe('lost');
  });
});
