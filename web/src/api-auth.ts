import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { type Identity, SESSION_COOKIE, roleSchema } from '@runlens/schemas';
import { z } from 'zod';

/** Local API identities: a bearer token maps to a user and a role. ops and admin see every run. */
const tokenFile = z.array(z.object({ token: z.string().min(32), user: z.string().min(1), role: roleSchema }));

/** Reads the token file, creating it (mode 0600) with an admin token for the current user. */
export function loadTokens(path: string): z.infer<typeof tokenFile> {
  if (!existsSync(path)) {
    const first = [{ token: randomBytes(24).toString('hex'), user: userInfo().username, role: 'admin' as const }];
    writeFileSync(path, JSON.stringify(first, null, 2), { mode: 0o600 });
    return first;
  }
  return tokenFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function authenticate(header: string | undefined, tokens: z.infer<typeof tokenFile>): Identity | null {
  const presented = /^Bearer\s+(\S+)$/.exec(header ?? '')?.[1];
  if (!presented) return null;
  const p = Buffer.from(presented);
  for (const t of tokens) {
    const b = Buffer.from(t.token);
    if (b.length === p.length && timingSafeEqual(b, p)) return { user: t.user, role: t.role };
  }
  return null;
}

// ---- Web UI: local users (scrypt) and signed session cookies (HMAC-SHA256). ----

const userFile = z.array(z.object({ user: z.string().min(1), role: roleSchema, password: z.string().regex(/^scrypt\$[0-9a-f]+\$[0-9a-f]+$/) }));
export type LocalUser = z.infer<typeof userFile>[number];

export function hashPassword(password: string, salt = randomBytes(16)): string {
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, 32).toString('hex')}`;
}

function passwordMatches(stored: string, password: string): boolean {
  const [, salt = '', hash = ''] = stored.split('$');
  const want = Buffer.from(hash, 'hex');
  const got = scryptSync(password, Buffer.from(salt, 'hex'), want.length || 32);
  return want.length > 0 && timingSafeEqual(want, got);
}

/**
 * Reads `users.json`; on first start creates it (mode 0600) with an admin for the current OS
 * user and a random password, which the caller prints once.
 */
export function loadUsers(path: string): { users: LocalUser[]; created: { user: string; password: string } | null } {
  if (!existsSync(path)) {
    const password = randomBytes(12).toString('base64url');
    const users = [{ user: userInfo().username, role: 'admin' as const, password: hashPassword(password) }];
    writeFileSync(path, JSON.stringify(users, null, 2), { mode: 0o600 });
    return { users, created: { user: users[0]!.user, password } };
  }
  return { users: userFile.parse(JSON.parse(readFileSync(path, 'utf8'))), created: null };
}

export function signIn(users: readonly LocalUser[], user: string, password: string): Identity | null {
  const u = users.find((x) => x.user === user);
  // Hash even for an unknown user, so the answer takes as long either way.
  const ok = passwordMatches(u?.password ?? hashPassword('x', Buffer.alloc(16)), password);
  return u && ok ? { user: u.user, role: u.role } : null;
}

const SESSION_TTL_MS = 12 * 3600_000;

/** Issues and checks `runlens_session` cookie values: base64url(payload).base64url(hmac). */
export class Sessions {
  private readonly secret: Buffer;

  constructor(secretPath: string, private readonly users: readonly LocalUser[]) {
    if (!existsSync(secretPath)) writeFileSync(secretPath, randomBytes(32).toString('hex'), { mode: 0o600 });
    this.secret = Buffer.from(readFileSync(secretPath, 'utf8').trim(), 'hex');
  }

  issue(id: Identity, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ u: id.user, e: now + SESSION_TTL_MS })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(value: string | undefined, now = Date.now()): Identity | null {
    const [body, mac] = (value ?? '').split('.');
    if (!body || !mac) return null;
    const want = Buffer.from(this.mac(body));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
    const claims = z.object({ u: z.string(), e: z.number() }).safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!claims.success || claims.data.e < now) return null;
    // The role comes from the users file, so a changed role takes effect at once.
    const u = this.users.find((x) => x.user === claims.data.u);
    return u ? { user: u.user, role: u.role } : null;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function sessionCookie(value: string, maxAgeS = SESSION_TTL_MS / 1000): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${Math.round(maxAgeS)}`;
}
