import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Role } from '@runlens/schemas';
import { hashPassword } from './passwords.ts';
import { type LocalUser, parseUsers } from './users.ts';

/** What `runlens user list` shows: never the hash. */
export interface UserEntry { readonly user: string; readonly role: Role }

/** A change that cannot be made (unknown user, duplicate, last admin): said to the user, exit 1. */
export class UserAdminError extends Error {}

const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function readUsers(path: string): LocalUser[] {
  return existsSync(path) ? parseUsers(readFileSync(path, 'utf8')) : [];
}

/**
 * Replaces users.json atomically: a 0600 temp file beside it, fsync, rename. The web server
 * reloads on the new inode and never sees a half-written file.
 */
export function writeUsers(path: string, users: readonly LocalUser[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(users, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function listUsers(path: string): UserEntry[] {
  return readUsers(path).map((u) => ({ user: u.user, role: u.role }));
}

export function addUser(path: string, user: string, role: Role, password: string): void {
  if (!USER_NAME.test(user)) throw new UserAdminError(`user name ${JSON.stringify(user)} is not allowed (letters, digits, . _ @ -; at most 64)`);
  if (password.length < 8) throw new UserAdminError('the password is shorter than 8 characters');
  const users = readUsers(path);
  if (users.some((u) => u.user === user)) throw new UserAdminError(`user ${user} exists; runlens user set-role or remove it first`);
  writeUsers(path, [...users, { user, role, password: hashPassword(password) }]);
}

export function setRole(path: string, user: string, role: Role): void {
  const users = readUsers(path);
  const target = find(users, user);
  if (target.role === 'admin' && role !== 'admin') keepOneAdmin(users, user);
  writeUsers(path, users.map((u) => (u.user === user ? { ...u, role } : u)));
}

export function removeUser(path: string, user: string): void {
  const users = readUsers(path);
  if (find(users, user).role === 'admin') keepOneAdmin(users, user);
  writeUsers(path, users.filter((u) => u.user !== user));
}

function find(users: readonly LocalUser[], user: string): LocalUser {
  const u = users.find((x) => x.user === user);
  if (!u) throw new UserAdminError(`no user ${user}; runlens user list shows them`);
  return u;
}

/** Nobody could manage the dashboard's users any more: refused. */
function keepOneAdmin(users: readonly LocalUser[], leaving: string): void {
  if (!users.some((u) => u.role === 'admin' && u.user !== leaving)) throw new UserAdminError(`${leaving} is the last admin; add another admin first`);
}
