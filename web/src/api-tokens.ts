import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { type Identity, roleSchema } from '@runlens/schemas';
import { z } from 'zod';

/** Local API identities: a bearer token maps to a user and a role. ops and admin see every run. */
const tokenFile = z.array(z.object({ token: z.string().min(32), user: z.string().min(1), role: roleSchema }));
export type ApiTokens = z.infer<typeof tokenFile>;

/** Reads the token file, creating it (mode 0600) with an admin token for the current user. */
export function loadTokens(path: string): ApiTokens {
  if (!existsSync(path)) {
    const first = [{ token: randomBytes(24).toString('hex'), user: userInfo().username, role: 'admin' as const }];
    writeFileSync(path, JSON.stringify(first, null, 2), { mode: 0o600 });
    return first;
  }
  return tokenFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function authenticate(header: string | undefined, tokens: ApiTokens): Identity | null {
  const presented = /^Bearer\s+(\S+)$/.exec(header ?? '')?.[1];
  if (!presented) return null;
  const p = Buffer.from(presented);
  for (const t of tokens) {
    const b = Buffer.from(t.token);
    if (b.length === p.length && timingSafeEqual(b, p)) return { user: t.user, role: t.role };
  }
  return null;
}
