import { createHmac } from 'node:crypto';
import { createLogger, silentLogger } from '@runlens/schemas';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword } from './passwords.ts';
import { RevokedSessions } from './revoked-sessions.ts';
import { Sessions } from './sessions.ts';
import type { LocalUser } from './users.ts';

const users: LocalUser[] = [{ user: 'ann', role: 'user', password: hashPassword('a') }, { user: 'ops', role: 'ops', password: hashPassword('o') }];
const directory = { find: (u: string): LocalUser | undefined => users.find((x) => x.user === u) };
const open = (d = mkdtempSync(join(tmpdir(), 'runlens-sess-'))): { d: string; s: Sessions } =>
  ({ d, s: new Sessions(join(d, 'session-secret'), directory, new RevokedSessions(join(d, 'revoked.json'), silentLogger)) });

describe('sessions', () => {
  it('accepts its own cookie and takes the role from the users file', () => {
    const { s } = open();
    expect(s.verify(s.issue({ user: 'ops', role: 'user' }))).toEqual({ user: 'ops', role: 'ops' });
  });
  it('rejects a forged, tampered, expired or foreign cookie', () => {
    const { s } = open();
    const v = s.issue({ user: 'ann', role: 'user' }, 0);
    const [body, mac] = v.split('.');
    const forged = Buffer.from(JSON.stringify({ i: 'x', u: 'ops', e: 9e15 })).toString('base64url');
    expect(s.verify(`${forged}.${mac}`)).toBeNull();
    expect(s.verify(`${body}.x${mac}`)).toBeNull();
    expect(s.verify(v, 13 * 3600_000)).toBeNull();
    expect(s.verify(undefined)).toBeNull();
    expect(open().s.verify(s.issue({ user: 'ann', role: 'user' }))).toBeNull();
  });
  it('never throws on a signed body that is not base64 JSON', () => {
    const { d, s } = open();
    const secret = Buffer.from(readFileSync(join(d, 'session-secret'), 'utf8').trim(), 'hex');
    const sign = (body: string): string => `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    for (const body of ['!!!', Buffer.from('{not json').toString('base64url'), Buffer.from('"s"').toString('base64url'), Buffer.from('{"u":1}').toString('base64url')]) {
      expect(() => s.verify(sign(body))).not.toThrow();
      expect(s.verify(sign(body))).toBeNull();
    }
  });
  it('a signed-out session stays revoked, also after a restart', () => {
    const { d, s } = open();
    const v = s.issue({ user: 'ann', role: 'user' });
    const other = s.issue({ user: 'ann', role: 'user' });
    s.revoke(v);
    expect(s.verify(v)).toBeNull();
    expect(s.verify(other)).toEqual({ user: 'ann', role: 'user' });
    expect(open(d).s.verify(v)).toBeNull();
    expect(open(d).s.verify(other)).not.toBeNull();
  });
  it('ignores revoking a forged value and survives an unreadable revocation file', () => {
    const lines: string[] = [];
    const d = mkdtempSync(join(tmpdir(), 'runlens-sess-'));
    const { s } = open(d);
    s.revoke('junk.value');
    s.revoke(undefined);
    const v = s.issue({ user: 'ann', role: 'user' });
    writeFileSync(join(d, 'revoked.json'), '{half');
    const again = new Sessions(join(d, 'session-secret'), directory, new RevokedSessions(join(d, 'revoked.json'), createLogger('debug', {}, (l) => lines.push(l))));
    expect(again.verify(v)).toEqual({ user: 'ann', role: 'user' });
    expect(lines.join('')).toContain('revoked sessions file unreadable');
  });
});
