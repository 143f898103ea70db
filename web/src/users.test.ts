import { createLogger } from '@runlens/schemas';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword } from './passwords.ts';
import { UserDirectory, createUsersFile } from './users.ts';

const dir = (): string => mkdtempSync(join(tmpdir(), 'runlens-users-'));
const capture = (): { lines: string[]; log: ReturnType<typeof createLogger> } => {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', {}, (l) => lines.push(l)) };
};
const write = (path: string, users: { user: string; role: string; password: string }[]): void => {
  writeFileSync(path, JSON.stringify(users.map((u) => ({ ...u, password: hashPassword(u.password) }))));
};

describe('local users', () => {
  it('creates users.json (0600) with an admin whose one-time password signs in', async () => {
    const path = join(dir(), 'users.json');
    const created = createUsersFile(path);
    expect(created).not.toBeNull();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain(created!.password);
    const users = new UserDirectory(path, capture().log);
    expect(await users.signIn(created!.user, created!.password)).toEqual({ user: created!.user, role: 'admin' });
    expect(createUsersFile(path)).toBeNull();
  });
  it('refuses a wrong password and an unknown user', async () => {
    const path = join(dir(), 'users.json');
    write(path, [{ user: 'ann', role: 'user', password: 's3cret' }]);
    const users = new UserDirectory(path, capture().log);
    expect(await users.signIn('ann', 's3cret')).toEqual({ user: 'ann', role: 'user' });
    expect(await users.signIn('ann', 'S3cret')).toBeNull();
    expect(await users.signIn('nobody', 's3cret')).toBeNull();
  });
  it('reloads an edited file, and keeps the previous users over a half-written one', () => {
    const path = join(dir(), 'users.json');
    let t = 0;
    const { lines, log } = capture();
    write(path, [{ user: 'ann', role: 'user', password: 'a' }]);
    const users = new UserDirectory(path, log, () => t);
    writeFileSync(path, '[{"user":"carol","role":"ops","pass');
    t += 1000;
    expect(users.find('ann')?.role).toBe('user');
    expect(lines.filter((l) => l.includes('"level":"warn"'))).toHaveLength(1);
    t += 1000;
    users.find('ann');
    expect(lines.filter((l) => l.includes('"level":"warn"'))).toHaveLength(1); // once per version of the file
    write(path, [{ user: 'ann', role: 'admin', password: 'a' }, { user: 'carol', role: 'ops', password: 'c' }]);
    t += 1000;
    expect(users.find('carol')?.role).toBe('ops');
    expect(users.find('ann')?.role).toBe('admin');
  });
});
