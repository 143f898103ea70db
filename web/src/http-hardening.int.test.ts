import type { Store } from '@runlens/pipeline';
import { type DashboardContext, MODERN_CAPABILITIES, createLogger, dialectFor } from '@runlens/schemas';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardHandle } from './dashboard-host.ts';
import { serveApi } from './http-api.ts';
import { hashPassword } from './passwords.ts';

interface Reply { status: number; headers: IncomingHttpHeaders; body: string }

/** The real server on a real port; the dashboard is a stand-in that answers like one still building. */
describe('HTTP hardening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-http-'));
  const usersFile = join(dir, 'users.json');
  const logLines: string[] = [];
  let server: Server;
  let port = 0;
  let dashboardCtx: DashboardContext | null = null;

  const writeUsers = (users: Record<string, string>): void => writeFileSync(usersFile, JSON.stringify(
    Object.entries(users).map(([user, pw]) => ({ user, role: 'user', password: hashPassword(pw) }))));

  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => { text += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
      req.on('error', reject);
      req.end(body);
    });
  const login = (user: string, password: string): Promise<Reply> => send('POST', '/auth/login',
    { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ user, password, next: '/runs' }).toString());
  const sessionOf = (r: Reply): string => /^runlens_session=([^;]+)/.exec(r.headers['set-cookie']?.[0] ?? '')?.[1] ?? '';

  beforeAll(async () => {
    writeUsers({ ann: 'ann-pw', bob: 'bob-pw', eve: 'eve-pw' });
    // An empty store: these tests are about the HTTP layer, not the queries.
    const store = { kind: 'chdb', capabilities: MODERN_CAPABILITIES, sql: dialectFor(MODERN_CAPABILITIES), query: () => Promise.resolve([]) } as unknown as Store;
    const building = (ctx: DashboardContext): DashboardHandle => {
      dashboardCtx = ctx;
      return {
        state: () => 'building',
        async handle(_req, res) {
          res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' });
          res.end('runlens dashboard: building\n');
        },
        close: () => Promise.resolve(),
      };
    };
    const log = createLogger('debug', {}, (l) => logLines.push(l));
    server = serveApi(store, { tokensPath: join(dir, 'api-tokens.json'), port: 0, startDashboard: building }, log);
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
  });

  it('answers a malformed session cookie with 400 on every path and keeps serving', async () => {
    for (const [method, path] of [['GET', '/api/runs'], ['GET', '/runs'], ['POST', '/auth/logout'], ['GET', '/healthz']] as const) {
      const r = await send(method, path, { cookie: 'runlens_session=%E0%A4%A' });
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.headers['set-cookie']?.[0]).toContain('Max-Age=0');
    }
    expect((await send('GET', '/healthz')).status).toBe(200);
  });

  it('refuses Host names it was not configured for', async () => {
    expect((await send('GET', '/healthz', { host: `evil.example:${port}` })).status).toBe(421);
    expect((await send('POST', '/auth/login', { host: `rebind.example:${port}` }, 'user=ann&password=ann-pw')).status).toBe(421);
    expect((await send('GET', '/healthz', { host: 'bad host' })).status).toBe(400);
    expect((await send('GET', '/healthz', { host: `localhost:${port}` })).status).toBe(200);
    expect((await send('GET', '/healthz', { host: `[::1]:${port}` })).status).toBe(200);
  });

  it('answers the 6th failed sign-in for a user with 429 and Retry-After, even with the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await login('eve', `guess-${i}`);
      expect(r.status).toBe(303);
      expect(r.headers.location).toContain('/login?error=1');
    }
    const blocked = await login('eve', 'eve-pw');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('bob', 'bob-pw')).status).toBe(303); // another user is not locked out
  });

  it('revokes the session on logout, for the API and the dashboard', async () => {
    const signedIn = await login('ann', 'ann-pw');
    expect(signedIn.headers.location).toBe('/runs');
    const cookie = `runlens_session=${sessionOf(signedIn)}`;
    expect((await send('GET', '/api/runs', { cookie })).status, logLines.filter((l) => l.includes('request failed')).join('\n')).toBe(200);
    expect(dashboardCtx?.verifySession(sessionOf(signedIn))).toEqual({ user: 'ann', role: 'user' });
    const out = await send('POST', '/auth/logout', { cookie });
    expect(out.status).toBe(303);
    expect(out.headers['set-cookie']?.[0]).toContain('Max-Age=0');
    expect((await send('GET', '/api/runs', { cookie })).status).toBe(401);
    expect(dashboardCtx?.verifySession(sessionOf(signedIn))).toBeNull();
  });

  it('picks up an edited users.json; a half-written one keeps the previous users', async () => {
    expect((await login('carol', 'carol-pw')).headers.location).toContain('error=1');
    writeFileSync(usersFile, '[{"user":"carol","role":"us');
    await new Promise((r) => setTimeout(r, 300));
    expect((await login('bob', 'bob-pw')).headers.location).toBe('/runs');
    expect(logLines.join('\n')).toContain('users file unreadable; keeping the previous users');
    writeUsers({ bob: 'bob-pw', carol: 'carol-pw' });
    await new Promise((r) => setTimeout(r, 300));
    const r = await login('carol', 'carol-pw');
    expect(r.headers.location).toBe('/runs');
    expect(sessionOf(r)).not.toBe('');
  });

  it('sends the security headers on every response, the dashboard included', async () => {
    const replies = [
      await send('GET', '/healthz'), await send('GET', '/api/runs'), await send('GET', '/auth/login'),
      await send('GET', '/runs'), await send('GET', '/healthz', { host: 'evil.example' }),
    ];
    expect(replies.map((r) => r.status)).toEqual([200, 401, 303, 503, 421]);
    for (const r of replies) {
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['content-security-policy']).toContain("object-src 'none'");
      expect(r.headers['content-security-policy']).toContain("base-uri 'self'");
    }
  });
});
