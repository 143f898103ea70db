import { describe, expect, it } from 'vitest';
import { parseRunArgs } from './run-args.ts';

describe('parseRunArgs', () => {
  it('reads every option and the command after --', () => {
    expect(parseRunArgs(['--app', 'lammps', '--cores', '4', '--json', 'o.json', '--html', 'o.html', '--', 'mpirun', '-np', '4', 'lmp']))
      .toEqual({ app: 'lammps', cores: 4, json: 'o.json', html: 'o.html', cmd: 'mpirun', args: ['-np', '4', 'lmp'] });
  });

  it('accepts --name=value', () => {
    expect(parseRunArgs(['--app=gromacs', '--cores=2.5', 'gmx', 'mdrun'])).toEqual({
      app: 'gromacs', cores: 2.5, json: undefined, html: undefined, cmd: 'gmx', args: ['mdrun'],
    });
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
    const r = parseRunArgs(argv);
    expect('error' in r && r.error.startsWith('no command given\nusage: runlens run')).toBe(true);
  });

  it('reports an option without its value', () => {
    const r = parseRunArgs(['--json']);
    expect('error' in r ? r.error.split('\n')[0] : r).toBe('--json needs a value');
  });

  it.each(['0', '-1', 'abc', '', 'Infinity', 'NaN'])('rejects --cores %j', (v) => {
    expect(parseRunArgs(['--cores', v, 'true'])).toEqual({ error: `--cores must be a positive number, got ${v}` });
  });

  it.each(['--verbose', '--APP', '--=x', '--core'])('rejects the unknown option %s', (flag) => {
    const r = parseRunArgs([flag, 'x', 'true']);
    expect('error' in r ? r.error.split('\n')[0] : r).toBe(`unknown option ${flag}`);
  });
});
