import { describe, expect, it } from 'vitest';
import { parseUserArgs } from './user-args.ts';

describe('runlens user arguments', () => {
  it('parses each action', () => {
    expect(parseUserArgs(['list'])).toEqual({ action: 'list' });
    expect(parseUserArgs(['add', 'ann'])).toEqual({ action: 'add', user: 'ann', role: 'user', passwordFile: undefined });
    expect(parseUserArgs(['add', 'ann', '--role', 'ops', '--password-file', '-'])).toEqual({ action: 'add', user: 'ann', role: 'ops', passwordFile: '-' });
    expect(parseUserArgs(['set-role', 'ann', 'admin'])).toEqual({ action: 'set-role', user: 'ann', role: 'admin' });
    expect(parseUserArgs(['remove', 'ann'])).toEqual({ action: 'remove', user: 'ann' });
  });

  it('never takes a password as an argument, and names the fix for every mistake', () => {
    const msg = (argv: string[]): string => { const r = parseUserArgs(argv); return 'message' in r ? r.message : ''; };
    expect(msg(['add', 'ann', 'secret-pw'])).toBe('runlens user add takes NAME; see runlens user --help');
    expect(msg(['add', 'ann', '--password', 'x'])).toContain('unknown option --password');
    expect(msg(['set-role', 'ann', 'root'])).toBe('unknown role; choose one of user, ops, admin; see runlens user --help');
    expect(msg(['grant', 'ann'])).toContain('unknown action grant');
    expect(msg(['remove', 'ann', '--role', 'ops'])).toContain('options of runlens user add');
  });
});
