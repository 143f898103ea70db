import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { type Identity, type Logger, roleSchema } from '@runlens/schemas';
import { z } from 'zod';
import { PASSWORD_HASH, type Kdf, hashPassword, verifyPassword } from './passwords.ts';

const userFile = z.array(z.object({ user: z.string().min(1), role: roleSchema, password: z.string().regex(PASSWORD_HASH) }));
export type LocalUser = z.infer<typeof userFile>[number];

/** users.json larger than this is refused (kept: the previous users), not read into memory. */
const MAX_FILE_BYTES = 1 << 20;
const CHECK_EVERY_MS = 200;

/** Creates users.json (mode 0600) with an admin for the current OS user and a random password, which the caller prints once. */
export function createUsersFile(path: string): { user: string; password: string } | null {
  if (existsSync(path)) return null;
  const password = randomBytes(12).toString('base64url');
  const users: LocalUser[] = [{ user: userInfo().username, role: 'admin', password: hashPassword(password) }];
  writeFileSync(path, JSON.stringify(users, null, 2), { mode: 0o600 });
  return { user: users[0]!.user, password };
}

export function parseUsers(text: string): LocalUser[] {
  return userFile.parse(JSON.parse(text));
}

/**
 * The web UI's users, from users.json. An edit takes effect without a restart: the file's
 * mtime, size and inode are checked at most every 200 ms on use. A file that does not parse
 * (half written, a typo) keeps the previous users and logs one warning per version.
 */
export class UserDirectory {
  private users: LocalUser[];
  private seen = '';
  private checkedAt = 0;

  constructor(private readonly path: string, private readonly log: Logger, private readonly now: () => number = Date.now) {
    this.seen = this.signature() ?? '';
    this.users = parseUsers(readFileSync(path, 'utf8'));
    this.checkedAt = now();
  }

  find(user: string): LocalUser | undefined {
    this.refresh();
    return this.users.find((u) => u.user === user);
  }

  /** Same work for unknown users as for known ones (see `verifyPassword`). */
  async signIn(user: string, password: string, kdf?: Kdf): Promise<Identity | null> {
    const u = this.find(user);
    const ok = await verifyPassword(u?.password, password, kdf);
    return u && ok ? { user: u.user, role: u.role } : null;
  }

  private refresh(): void {
    if (this.now() - this.checkedAt < CHECK_EVERY_MS) return;
    this.checkedAt = this.now();
    const sig = this.signature();
    if (sig === null || sig === this.seen) return;
    this.seen = sig;
    try {
      if (statSync(this.path).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      this.users = parseUsers(readFileSync(this.path, 'utf8'));
      this.log.info('users reloaded', { users_file: this.path, users: this.users.length });
    } catch (e) {
      this.log.warn('users file unreadable; keeping the previous users', { users_file: this.path, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Changes whenever the file is rewritten or replaced; null while it is missing. */
  private signature(): string | null {
    try {
      const s = statSync(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return null;
    }
  }
}
