import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sessions, cookieValue, hashPassword, loadUsers, signIn } from './api-auth.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'runlens-auth-'));
const users = [{ user: 'ann', role: 'user' as const, password: hashPassword('s3cret') }, { user: 'ops', role: 'ops' as const, password: hashPassword('o') }];

describe('local users', () => {
  it('creates users.json (0600) with an admin whose one-time password signs in', () => {
    const d = dir();
    const { users: u, created } = loadUsers(join(d, 'users.json'));
    expect(created).not.toBeNull();
    expect(statSync(join(d, 'users.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, 'users.json'), 'utf8')).not.toContain(created!.password);
    expect(signIn(u, created!.user, created!.password)).toEqual({ user: created!.user, role: 'admin' });
    expect(loadUsers(join(d, 'users.json')).created).toBeNull();
  });
  it('refuses a wrong password and an unknown user', () => {
    expect(signIn(users, 'ann', 's3cret')).toEqual({ user: 'ann', role: 'user' });
    expect(signIn(users, 'ann', 'S3cret')).toBeNull();
    expect(signIn(users, 'nobody', 's3cret')).toBeNull();
  });
});

describe('sessions', () => {
  const s = new Sessions(join(dir(), 'session-secret'), users);

  it('accepts its own cookie and takes the role from the users file', () => {
    expect(s.verify(s.issue({ user: 'ops', role: 'user' }))).toEqual({ user: 'ops', role: 'ops' });
  });
  it('rejects a forged, tampered, expired or foreign cookie', () => {
    const v = s.issue({ user: 'ann', role: 'user' }, 0);
    const [body, mac] = v.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'ops', e: 9e15 })).toString('base64url');
    expect(s.verify(`${forged}.${mac}`)).toBeNull();
    expect(s.verify(`${body}.x${mac}`)).toBeNull();
    expect(s.verify(v, 13 * 3600_000)).toBeNull();
    expect(s.verify(undefined)).toBeNull();
    const other = new Sessions(join(dir(), 'session-secret'), users);
    expect(other.verify(s.issue({ user: 'ann', role: 'user' }))).toBeNull();
  });
  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; runlens_session=x.y; b=2', 'runlens_session')).toBe('x.y');
    expect(cookieValue(undefined, 'runlens_session')).toBeUndefined();
  });
});
