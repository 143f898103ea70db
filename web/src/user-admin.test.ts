import { createLogger } from '@runlens/schemas';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserAdminError, addUser, listUsers, removeUser, setRole } from './user-admin.ts';
import { UserDirectory } from './users.ts';

const usersPath = (): string => join(mkdtempSync(join(tmpdir(), 'runlens-useradmin-')), 'users.json');
const quiet = createLogger('error', {}, () => undefined);

describe('user administration (users.json)', () => {
  it('adds a user whose password signs in, stored 0600 as a scrypt hash, atomically', async () => {
    const path = usersPath();
    addUser(path, 'ann', 'ops', 'correct horse');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain('correct horse');
    expect(readdirSync(join(path, '..'))).toEqual(['users.json']);
    const dir = new UserDirectory(path, quiet);
    expect(await dir.signIn('ann', 'correct horse')).toEqual({ user: 'ann', role: 'ops' });
    expect(await dir.signIn('ann', 'wrong horse!')).toBeNull();
  });

  it('lists, changes roles and removes; refuses duplicates, unknown users and short passwords', () => {
    const path = usersPath();
    addUser(path, 'root', 'admin', 'admin-pass');
    addUser(path, 'bob', 'user', 'bob-pass-1');
    expect(() => addUser(path, 'bob', 'ops', 'another-1')).toThrow(/user bob exists/);
    expect(() => addUser(path, 'eve', 'ops', 'short')).toThrow(/shorter than 8/);
    expect(() => addUser(path, 'a b', 'ops', 'long-enough')).toThrow(UserAdminError);
    setRole(path, 'bob', 'ops');
    expect(listUsers(path)).toEqual([{ user: 'root', role: 'admin' }, { user: 'bob', role: 'ops' }]);
    expect(() => setRole(path, 'nobody', 'ops')).toThrow(/no user nobody/);
    removeUser(path, 'bob');
    expect(listUsers(path)).toEqual([{ user: 'root', role: 'admin' }]);
  });

  it('keeps at least one admin', () => {
    const path = usersPath();
    addUser(path, 'root', 'admin', 'admin-pass');
    expect(() => removeUser(path, 'root')).toThrow(/last admin/);
    expect(() => setRole(path, 'root', 'user')).toThrow(/last admin/);
    addUser(path, 'root2', 'admin', 'admin-pass');
    removeUser(path, 'root');
    expect(listUsers(path)).toEqual([{ user: 'root2', role: 'admin' }]);
  });
});
