import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Identity } from '@runlens/schemas';
import { z } from 'zod';
import type { RevokedSessions } from './revoked-sessions.ts';
import type { LocalUser } from './users.ts';

export const SESSION_TTL_MS = 12 * 3600_000;

const claimsSchema = z.object({ i: z.string().min(1), u: z.string(), e: z.number() });
type Claims = z.infer<typeof claimsSchema>;

/**
 * Issues and checks `runlens_session` cookie values: base64url(claims).base64url(hmac), the
 * claims naming a random session id, the user and the expiry. Signing out revokes the id on
 * the server. `verify` never throws: whatever a client sends is either an identity or null.
 */
export class Sessions {
  private readonly secret: Buffer;

  constructor(
    secretPath: string,
    private readonly users: { find(user: string): LocalUser | undefined },
    private readonly revoked: RevokedSessions,
  ) {
    if (!existsSync(secretPath)) writeFileSync(secretPath, randomBytes(32).toString('hex'), { mode: 0o600 });
    this.secret = Buffer.from(readFileSync(secretPath, 'utf8').trim(), 'hex');
  }

  issue(id: Identity, now = Date.now()): string {
    const claims: Claims = { i: randomBytes(16).toString('base64url'), u: id.user, e: now + SESSION_TTL_MS };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(value: string | undefined, now = Date.now()): Identity | null {
    const claims = this.authentic(value);
    if (!claims || claims.e < now || this.revoked.has(claims.i)) return null;
    // The role comes from the users file, so a changed role takes effect at once.
    const u = this.users.find(claims.u);
    return u ? { user: u.user, role: u.role } : null;
  }

  /** Signs a session out for good; a forged or foreign value is ignored. */
  revoke(value: string | undefined, now = Date.now()): void {
    const claims = this.authentic(value);
    if (claims && claims.e >= now) this.revoked.revoke(claims.i, claims.e, now);
  }

  /** The claims of a cookie this server signed, or null for anything else (never throws). */
  private authentic(value: string | undefined): Claims | null {
    const [body, mac, extra] = (value ?? '').split('.');
    if (!body || !mac || extra !== undefined) return null;
    const want = Buffer.from(this.mac(body));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
    try {
      const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
