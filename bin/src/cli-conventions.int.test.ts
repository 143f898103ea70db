import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from './cli/subcommands.ts';
import { RUNLENS_BIN, runCli, startCli, tempDir } from './testing/cli-harness.ts';

const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
/** Settings that must not be read by --help: a config error here would exit 78, not 0. */
const BROKEN_CONFIG = { RUNLENS_HTTP_PORT: 'not-a-port', RUNLENS_CONFIG_FILE: '/nonexistent/runlens.json' };

/** The command-line conventions, on the real `bin/runlens` (issue 15 item 1). */
describe('runlens command line', () => {
  it.each([['--version'], ['-V']])('%s prints the root package version and exits 0', async (flag) => {
    const r = await runCli([flag]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([['--help'], ['-h'], ['help'], []])('runlens %s prints usage with every command and the exit codes to stdout', async (...argv) => {
    const r = await runCli(argv);
    expect(r.code).toBe(0);
    for (const name of Object.keys(SUBCOMMANDS)) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(r.stdout).toMatch(/^ {2}78 +configuration error/m);
  });

  // Run together: each is a process start, and a loaded machine makes 20 sequential ones slow.
  it('--help on every subcommand prints its usage to stdout and starts nothing, with broken settings', async () => {
    const names = Object.keys(SUBCOMMANDS);
    const results = await Promise.all(names.flatMap((n) => [runCli([n, '--help'], BROKEN_CONFIG), runCli([n, '-h'], BROKEN_CONFIG)]));
    results.forEach((r, i) => {
      const name = names[Math.floor(i / 2)] ?? '';
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect(r.stdout.startsWith(`usage: runlens ${name}`)).toBe(true);
    });
  });

  it('an unknown option exits 2 and names the fix', async () => {
    const [sub, top] = await Promise.all([runCli(['report', '--foo', 'x']), runCli(['--foo'])]);
    expect({ code: sub.code, stdout: sub.stdout }).toEqual({ code: 2, stdout: '' });
    expect(sub.stderr).toBe('runlens: unknown option --foo for runlens report; see runlens report --help\n');
    expect(top.code).toBe(2);
    expect(top.stderr).toContain('see runlens --help');
  });

  it('run: the command\'s own flags and exit code belong to the command', async () => {
    const env = { RUNLENS_DATA_DIR: tempDir() };
    const [three, lsHelp] = await Promise.all([runCli(['run', '--', 'sh', '-c', 'exit 3'], env), runCli(['run', '--', 'sh', '-c', 'echo "$@"', 'sh', '--help'], env)]);
    expect(three.code).toBe(3);
    expect({ code: lsHelp.code, stdout: lsHelp.stdout }).toEqual({ code: 0, stdout: '--help\n' });
  });
});

/** `runlens report` while `runlens up` owns the store: up answers over its socket. */
describe('runlens report while up runs', () => {
  const env = { RUNLENS_DATA_DIR: tempDir(), RUNLENS_HTTP_PORT: '0' };
  let up: ReturnType<typeof startCli>;
  let stderr = '';

  beforeAll(async () => {
    up = startCli(['up'], env);
    up.child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const deadline = Date.now() + 120_000;
    while (!stderr.includes('"runlens up"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (!stderr.includes('"runlens up"')) throw new Error(`up did not start:\n${stderr}`);
  });

  afterAll(async () => {
    up.child.kill('SIGTERM');
    await up.done;
  });

  it('prints the report of a run up recorded, and says when there is no such run', async () => {
    const run = await runCli(['run', '--app', 'cli_it', '--', 'sh', '-c', 'exit 4'], env);
    expect(run.code).toBe(4);
    const runId = /RunLens report {2}(\S+)/.exec(run.stderr)?.[1];
    expect(runId, run.stderr).toBeTruthy();
    // The start banner: the first thing said, one line, with the live page on up's own port.
    const port = /"api":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(stderr)?.[1];
    expect(run.stderr.split('\n')[0]).toBe(`runlens: run ${runId}  live: http://127.0.0.1:${port}/runs/${runId}`);
    const [json, missing, md] = await Promise.all([runCli(['report', runId ?? '', '--json'], env), runCli(['report', 'no-such-run'], env), runCli(['report', runId ?? '', '--md'], env)]);
    expect({ code: md.code, first: md.stdout.split('\n')[0] }).toEqual({ code: 0, first: `# RunLens report ${runId}` });
    expect(md.stdout).toMatch(/^\| app \| cli\\_it \|$/m);
    expect(md.stdout).toMatch(/^## Findings$/m);
    expect(md.stdout).toMatch(/^## Baseline$/m);
    expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toMatchObject({ run: { run_id: runId, app: 'cli_it', exit_code: 4 } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run no-such-run');
    // Without an id: the newest run's report, named on stderr so stdout stays the report.
    const newest = await runCli(['report', '--json'], env);
    expect({ code: newest.code, stderr: newest.stderr }).toEqual({ code: 0, stderr: `runlens: the newest run, ${runId}\n` });
    expect(JSON.parse(newest.stdout)).toMatchObject({ run: { run_id: runId } });
  });

  it('a user added with runlens user add signs in to the running dashboard at once', async () => {
    const add = await runCli(['user', 'add', 'carol', '--role', 'ops', '--password-file', '-'], env, 'carol-password\n');
    expect(add.code, add.stderr).toBe(0);
    const port = /"api":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(stderr)?.[1];
    const signIn = (password: string): Promise<Response> => fetch(`http://127.0.0.1:${port}/auth/login`, {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'carol', password }),
    });
    const [ok, wrong] = [await signIn('carol-password'), await signIn('not-her-password')];
    expect({ status: ok.status, location: ok.headers.get('location') }).toEqual({ status: 303, location: '/runs' });
    expect(ok.headers.get('set-cookie')).toMatch(/^runlens_session=[^;]+/);
    expect(wrong.headers.get('location')).toBe('/login?error=1');
  });
});

/** `runlens user`: users.json without editing it by hand; a user added while `up` runs signs in at once. */
describe('runlens user', () => {
  it('add (password on stdin), list, set-role, remove; refusals exit 1 and say why', async () => {
    const env = { RUNLENS_DATA_DIR: tempDir() };
    const add = await runCli(['user', 'add', 'ann', '--role', 'ops'], env, 'ann-password\n');
    expect({ code: add.code, stderr: add.stderr }).toEqual({ code: 0, stderr: `runlens: added ann (ops) to ${join(env.RUNLENS_DATA_DIR, 'users.json')}\n` });
    const file = join(env.RUNLENS_DATA_DIR, 'pw');
    writeFileSync(file, 'bob-password\n');
    expect((await runCli(['user', 'add', 'bob', '--password-file', file], env)).code).toBe(0);
    expect((await runCli(['user', 'set-role', 'bob', 'admin'], env)).code).toBe(0);
    expect((await runCli(['user', 'list'], env)).stdout).toBe('user  role\nann   ops\nbob   admin\n');
    const [dup, argvPassword, unknown] = await Promise.all([
      runCli(['user', 'add', 'ann'], env, 'other-password\n'), runCli(['user', 'add', 'eve', 'secret-pw'], env), runCli(['user', 'remove', 'zed'], env),
    ]);
    expect({ code: dup.code, stderr: dup.stderr }).toEqual({ code: 1, stderr: 'runlens: user ann exists; runlens user set-role or remove it first\n' });
    expect(argvPassword.code).toBe(2);
    expect(unknown.stderr).toContain('no user zed');
    expect((await runCli(['user', 'remove', 'ann'], env)).code).toBe(0);
    expect((await runCli(['user', 'list'], env)).stdout).toBe('user  role\nbob   admin\n');
    expect(statSync(join(env.RUNLENS_DATA_DIR, 'users.json')).mode & 0o777).toBe(0o600);
  });

  it('on a terminal asks twice without echo, and a pasted answer pair is not lost', async () => {
    const env = { RUNLENS_DATA_DIR: tempDir() };
    // util-linux script(1) gives the command a real pty; what it prints is what the user sees.
    const tty = spawn('script', ['-qec', `${RUNLENS_BIN} user add tina --role ops`, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    tty.stdout.on('data', (d: Buffer) => { screen += d.toString(); });
    const deadline = Date.now() + 60_000;
    while (!screen.includes('password for tina: ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    tty.stdin.write('tina-secret-1\rtina-secret-1\r');
    const code = await new Promise<number | null>((resolve) => tty.on('close', resolve));
    tty.stdin.end();
    expect({ code, screen: screen.replace(/\r/g, '') }).toEqual({ code: 0, screen: `password for tina: \nagain: \nrunlens: added tina (ops) to ${join(env.RUNLENS_DATA_DIR, 'users.json')}\n` });
    expect((await runCli(['user', 'list'], env)).stdout).toBe('user  role\ntina  ops\n');
  });
});

