import { SESSION_COOKIE } from '@runlens/schemas';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookie, sessionCookie } from './cookies.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { SESSION_TTL_MS, type Sessions } from './sessions.ts';
import type { UserDirectory } from './users.ts';

export interface AuthDeps {
  readonly users: UserDirectory;
  readonly sessions: Sessions;
  readonly limiter: LoginLimiter;
  /** Mark the cookie Secure (the server is reachable beyond loopback). */
  readonly secureCookie: boolean;
}

const MAX_FORM_BYTES = 8192;

/** POST /auth/login (form: user, password, next) and POST /auth/logout; anything else goes to /login. */
export async function authRoute(req: IncomingMessage, res: ServerResponse, path: string, deps: AuthDeps): Promise<void> {
  if (req.method !== 'POST' || (path !== '/auth/login' && path !== '/auth/logout')) return redirect(res, '/login');
  if (path === '/auth/logout') {
    const c = readCookie(req.headers.cookie, SESSION_COOKIE);
    deps.sessions.revoke(c.kind === 'ok' ? c.value : undefined);
    return redirect(res, '/login', sessionCookie('', { secure: deps.secureCookie, maxAgeS: 0 }));
  }
  const body = await readBody(req, MAX_FORM_BYTES);
  if (body === null) return plain(res, 413, 'sign-in form too large\n', { connection: 'close' });
  return login(req, res, new URLSearchParams(body), deps);
}

async function login(req: IncomingMessage, res: ServerResponse, form: URLSearchParams, deps: AuthDeps): Promise<void> {
  const user = form.get('user') ?? '';
  const address = req.socket.remoteAddress ?? 'unknown';
  const wait = deps.limiter.retryAfterS(user, address);
  if (wait > 0) return plain(res, 429, `too many failed sign-ins; try again in ${wait} s\n`, { 'retry-after': String(wait) });
  const attempt = deps.limiter.begin(user, address);
  const id = await deps.users.signIn(user, form.get('password') ?? '');
  const next = form.get('next') ?? '';
  // Only same-site paths: never an open redirect.
  const target = /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/runs';
  if (!id) return redirect(res, `/login?error=1${next ? `&next=${encodeURIComponent(target)}` : ''}`);
  deps.limiter.succeeded(attempt);
  return redirect(res, target, sessionCookie(deps.sessions.issue(id), { secure: deps.secureCookie, maxAgeS: SESSION_TTL_MS / 1000 }));
}

function redirect(res: ServerResponse, to: string, cookie?: string): void {
  res.writeHead(303, { location: to, ...(cookie ? { 'set-cookie': cookie } : {}) });
  res.end();
}

function plain(res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/** The request body as text, or null once it passes `limit` bytes (the rest is discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (d: Buffer): void => {
      size += d.length;
      if (size <= limit) return void chunks.push(d);
      req.off('data', onData);
      req.resume();
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
