import { describe, expect, it } from 'vitest';
import { dispatch } from './dispatch.ts';
import { SUBCOMMANDS } from './subcommands.ts';
import { runlensVersion } from './version.ts';

async function call(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

describe('dispatch', () => {
  it('prints the version as a semver string', async () => {
    expect(runlensVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await call(['--version'])).toEqual({ code: 0, stdout: `${runlensVersion()}\n`, stderr: '' });
  });

  it.each(Object.keys(SUBCOMMANDS))('%s --help and help %s print its usage without starting it', async (name) => {
    const usage = `${SUBCOMMANDS[name as keyof typeof SUBCOMMANDS].usage}\n`;
    expect(usage.startsWith(`usage: runlens ${name}`)).toBe(true);
    expect(await call([name, '--help'])).toEqual({ code: 0, stdout: usage, stderr: '' });
    expect(await call(['help', name])).toEqual({ code: 0, stdout: usage, stderr: '' });
  });

  it('exits 2 on an unknown command or option, naming where help is', async () => {
    expect(await call(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'runlens: unknown command frobnicate; see runlens --help\n' });
    expect(await call(['help', 'frobnicate'])).toMatchObject({ code: 2 });
    expect(await call(['up', '--port', '1'])).toEqual({ code: 2, stdout: '', stderr: 'runlens: unknown option --port for runlens up; see runlens up --help\n' });
  });

  it('--help before the command is the top-level help', async () => {
    const r = await call(['--help', 'run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: runlens \[--version\]/);
  });
});
