import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Logger } from '@runlens/schemas';
import { z } from 'zod';

const fileSchema = z.record(z.string(), z.number());

/**
 * Session ids signed out before they expired, each kept until its expiry, in a file
 * (mode 0600) so that a restart does not bring them back. Only authentic cookies are revoked,
 * so the set grows with sign-outs, never with what a client sends.
 */
export class RevokedSessions {
  private readonly until = new Map<string, number>();

  constructor(private readonly path: string, private readonly log: Logger) {
    if (!existsSync(path)) return;
    try {
      for (const [id, exp] of Object.entries(fileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))))) this.until.set(id, exp);
    } catch (e) {
      log.warn('revoked sessions file unreadable; starting with none', { file: path, error: e instanceof Error ? e.message : String(e) });
    }
  }

  has(id: string): boolean {
    return this.until.has(id);
  }

  revoke(id: string, expiresAt: number, now = Date.now()): void {
    for (const [k, exp] of this.until) if (exp < now) this.until.delete(k);
    this.until.set(id, expiresAt);
    try {
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.until)), { mode: 0o600 });
      renameSync(tmp, this.path);
    } catch (e) {
      // Still revoked in this process; only a restart would bring the session back.
      this.log.warn('could not persist a revoked session', { file: this.path, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
