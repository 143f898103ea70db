import { describe, expect, it } from 'vitest';
import { parseRunArgs } from './run-args.ts';

describe('parseRunArgs', () => {
  it('reads every option and the command after --', () => {
    expect(parseRunArgs(['--app', 'lammps', '--cores', '4', '--json', 'o.json', '--html', 'o.html', '--', 'mpirun', '-np', '4', 'lmp']))
      .toEqual({ app: 'lammps', cores: 4, json: 'o.json', html: 'o.html', mpi: false, metrics: [], cmd: 'mpirun', args: ['-np', '4', 'lmp'] });
  });

  it('reads --mpi as a flag before the command', () => {
    expect(parseRunArgs(['--mpi', '--', 'mpirun', '-np', '2', 'mpiwork'])).toMatchObject({ mpi: true, cmd: 'mpirun', args: ['-np', '2', 'mpiwork'] });
    expect(parseRunArgs(['mpirun', '--mpi'])).toMatchObject({ mpi: false, args: ['--mpi'] });
  });

  it('accepts --name=value', () => {
    expect(parseRunArgs(['--app=gromacs', '--cores=2.5', 'gmx', 'mdrun'])).toEqual({
      app: 'gromacs', cores: 2.5, json: undefined, html: undefined, mpi: false, metrics: [], cmd: 'gmx', args: ['mdrun'],
    });
  });
  it('reads --metric NAME=REGEX, repeatable, and refuses a bad name or regex', () => {
    const r = parseRunArgs(['--metric', 'it/s=([0-9.]+) ?it/s', '--metric=steps=step (\\d+)', 'train.py']);
    expect('metrics' in r && r.metrics.map((m) => [m.name, m.re.source])).toEqual([['it/s', '([0-9.]+) ?it\\/s'], ['steps', 'step (\\d+)']]);
    expect(parseRunArgs(['--metric', '9x=1', 'a'])).toMatchObject({ kind: 'usage_error', message: expect.stringMatching(/name must be letters/) });
    expect(parseRunArgs(['--metric', 'x=([', 'a'])).toMatchObject({ kind: 'usage_error', message: expect.stringMatching(/not a regular expression/) });
    expect(parseRunArgs(['--metric', 'x', 'a'])).toMatchObject({ kind: 'usage_error', message: expect.stringMatching(/NAME=REGEX/) });
  });

  it('keeps an = inside an inline value', () => {
    const r = parseRunArgs(['--json=out=1.json', '--app=k=v', 'true']);
    expect(r).toMatchObject({ json: 'out=1.json', app: 'k=v' });
  });

  it('stops at the first non-option: later flags belong to the command', () => {
    expect(parseRunArgs(['--app', 'x', 'python', 'train.py', '--cores', 'lots']))
      .toMatchObject({ app: 'x', cores: undefined, cmd: 'python', args: ['train.py', '--cores', 'lots'] });
  });

  it('after -- everything is the command, even things that look like options', () => {
    expect(parseRunArgs(['--', '--cores', '2'])).toMatchObject({ cores: undefined, cmd: '--cores', args: ['2'] });
    expect(parseRunArgs(['--', 'ls', '--', '-l'])).toMatchObject({ cmd: 'ls', args: ['--', '-l'] });
  });

  it.each([[[]], [['--app', 'x']], [['--app', 'x', '--']], [['--']]])('reports a missing command for %j', (argv) => {
    expect(parseRunArgs(argv)).toEqual(usage('no command given: put it last, e.g. runlens run -- make -j4; see runlens run --help'));
  });

  it('reports an option without its value', () => {
    expect(parseRunArgs(['--json'])).toEqual(usage('--json needs a value; see runlens run --help'));
  });

  it.each(['0', '-1', 'abc', '', 'Infinity', 'NaN'])('rejects --cores %j', (v) => {
    expect(parseRunArgs(['--cores', v, 'true'])).toEqual(usage(`--cores must be a positive number, got ${v}; see runlens run --help`));
  });

  it.each(['--verbose', '--APP', '--=x', '--core', '-x'])('rejects the unknown option %s and names the fix', (flag) => {
    expect(parseRunArgs([flag, 'x', 'true'])).toEqual(usage(`unknown option ${flag} for runlens run; see runlens run --help`));
  });

  it.each([[['--help']], [['-h']], [['--app', 'x', '--help', 'ls']], [['--verbose', '-h']]])('asks for help with %j', (argv) => {
    expect(parseRunArgs(argv)).toEqual({ kind: 'help' });
  });

  it('leaves --help to the command after -- or after the command name', () => {
    expect(parseRunArgs(['--', 'ls', '--help'])).toMatchObject({ cmd: 'ls', args: ['--help'] });
    expect(parseRunArgs(['--app', 'x', 'ls', '-h'])).toMatchObject({ app: 'x', cmd: 'ls', args: ['-h'] });
    expect(parseRunArgs(['--', '--help'])).toMatchObject({ cmd: '--help', args: [] });
  });
});

function usage(message: string): { kind: 'usage_error'; message: string } {
  return { kind: 'usage_error', message };
}
