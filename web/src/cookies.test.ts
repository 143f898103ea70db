import { describe, expect, it } from 'vitest';
import { readCookie, sessionCookie } from './cookies.ts';

describe('cookies', () => {
  it('reads one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; runlens_session=x.y; b=2', 'runlens_session')).toEqual({ kind: 'ok', value: 'x.y' });
    expect(readCookie('a=1;runlens_session=a%20b', 'runlens_session')).toEqual({ kind: 'ok', value: 'a b' });
    expect(readCookie(undefined, 'runlens_session')).toEqual({ kind: 'absent' });
    expect(readCookie('xrunlens_session=1; junk', 'runlens_session')).toEqual({ kind: 'absent' });
  });
  it('reports a bad percent sequence as malformed instead of throwing', () => {
    expect(readCookie('runlens_session=%E0%A4%A', 'runlens_session')).toEqual({ kind: 'malformed' });
    // Someone else's broken cookie on the same host is not ours to refuse.
    expect(readCookie('other=%E0%A4%A; runlens_session=ok', 'runlens_session')).toEqual({ kind: 'ok', value: 'ok' });
  });
  it('marks the session cookie Secure only when asked', () => {
    expect(sessionCookie('v', { secure: true, maxAgeS: 60 })).toBe('runlens_session=v; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Secure');
    expect(sessionCookie('', { secure: false, maxAgeS: 0 })).not.toContain('Secure');
  });
});
