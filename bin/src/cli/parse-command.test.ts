import { describe, expect, it } from 'vitest';
import { type CommandSpec, parseCommand } from './parse-command.ts';

const report: CommandSpec = { name: 'runlens report', options: { json: { type: 'boolean' }, out: { type: 'string' } }, positionals: 1 };
const top: CommandSpec = { name: 'runlens', options: { version: { type: 'boolean', short: 'V' } }, positionals: 'rest' };

describe('parseCommand', () => {
  it('reads options and positionals in any order', () => {
    expect(parseCommand(report, ['--json', 'r1', '--out=x.json'])).toEqual({ kind: 'ok', values: { json: true, out: 'x.json' }, repeated: { out: ['x.json'] }, positionals: ['r1'] });
    expect(parseCommand(report, ['--out', 'a', '--out=b', 'r1'])).toMatchObject({ values: { out: 'b' }, repeated: { out: ['a', 'b'] } });
    expect(parseCommand(report, ['r1', '--out', 'x'])).toEqual({ kind: 'ok', values: { out: 'x' }, repeated: { out: ['x'] }, positionals: ['r1'] });
  });

  it('names the command and its --help in an unknown option', () => {
    expect(parseCommand(report, ['--foo', 'r1'])).toEqual({ kind: 'usage_error', message: 'unknown option --foo for runlens report; see runlens report --help' });
    expect(parseCommand(report, ['-z'])).toEqual({ kind: 'usage_error', message: 'unknown option -z for runlens report; see runlens report --help' });
  });

  it('rejects a missing value, a value on a switch, and an extra positional', () => {
    expect(parseCommand(report, ['r1', '--out'])).toMatchObject({ message: '--out needs a value; see runlens report --help' });
    expect(parseCommand(report, ['--json=yes', 'r1'])).toMatchObject({ message: '--json takes no value; see runlens report --help' });
    expect(parseCommand(report, ['r1', 'r2'])).toMatchObject({ message: 'unexpected argument r2 for runlens report; see runlens report --help' });
  });

  it.each([['--help'], ['-h'], ['r1', '--help'], ['--foo', '-h'], ['-jh']])('gives help for %j, even beside an error', (...argv) => {
    expect(parseCommand({ ...report, options: { ...report.options, j: { type: 'boolean' } } }, argv)).toEqual({ kind: 'help' });
  });

  it("takes a positional after -- as a positional, not an option", () => {
    expect(parseCommand(report, ['--', '--json'])).toEqual({ kind: 'ok', values: {}, repeated: {}, positionals: ['--json'] });
  });

  it('with rest positionals, stops at the first positional or --: later flags belong to the user', () => {
    expect(parseCommand(top, ['-V'])).toEqual({ kind: 'ok', values: { version: true }, repeated: {}, positionals: [] });
    expect(parseCommand(top, ['report', '--json', '-h'])).toEqual({ kind: 'ok', values: {}, repeated: {}, positionals: ['report', '--json', '-h'] });
    expect(parseCommand(top, ['--', '--help', 'x'])).toEqual({ kind: 'ok', values: {}, repeated: {}, positionals: ['--help', 'x'] });
    expect(parseCommand(top, ['--bogus', 'run'])).toMatchObject({ message: 'unknown option --bogus for runlens; see runlens --help' });
  });
});
