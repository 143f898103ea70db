import { buildReport, renderHtml, selectForApp } from '@runlens/analyzer';
import type { Store } from '@runlens/pipeline';
import type { DashboardContext, Logger, NodeTypesConfig } from '@runlens/schemas';
import { findingNotes } from './finding-notes.ts';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { type Identity, NO_NODE_TYPES, SESSION_COOKIE, canSeeAll, runOwner, visibleRuns } from '@runlens/schemas';
import { type ApiTokens, authenticate, loadTokens } from './api-tokens.ts';
import { type AuthDeps, authRoute } from './auth-routes.ts';
import { type CookieRead, readCookie, sessionCookie } from './cookies.ts';
import { type DashboardHandle, startDashboard } from './dashboard-host.ts';
import { HostAllowlist, isLoopback } from './host-allowlist.ts';
import { LoginLimiter } from './login-limiter.ts';
import { RevokedSessions } from './revoked-sessions.ts';
import { setSecurityHeaders } from './security-headers.ts';
import { Sessions } from './sessions.ts';
import { UserDirectory, createUsersFile } from './users.ts';

interface RunListRow { run_id: string; app: string; user: string; status: string; start_ms: number; end_ms: number | null; exit_code: number | null; cmd: string }

export interface ServeOptions {
  /** api-tokens.json; users.json, session-secret and revoked-sessions.json sit beside it. */
  readonly tokensPath: string;
  readonly port: number;
  /** The bind address, 127.0.0.1 unless configured. Beyond loopback the cookie is Secure. */
  readonly host?: string;
  /** Extra Host-header names to answer (RUNLENS_HTTP_ALLOWED_HOSTS); see HostAllowlist. */
  readonly allowedHosts?: readonly string[];
  /** What the process still waits for (a role's Readiness); absent means ready once listening. */
  readonly health?: () => Health;
  /** Hosts the dashboard; tests pass a stand-in so that they need no Next build. */
  readonly startDashboard?: (ctx: DashboardContext, log: Logger) => DashboardHandle;
  /** Node types and prices for GET /api/apps/:app/select and the app page; none by default. */
  readonly nodeTypes?: NodeTypesConfig;
}

/** Liveness and readiness as every role reports them (snake_case: probes and operators read it). */
export interface Health {
  readonly live: true;
  readonly ready: boolean;
  readonly waiting_for: readonly string[];
}

const ALWAYS_READY = (): Health => ({ live: true, ready: true, waiting_for: [] });

interface RequestContext {
  readonly health: () => Health;
  readonly store: Store;
  readonly tokens: ApiTokens;
  readonly sessions: Sessions;
  readonly dashboard: DashboardHandle;
  readonly hosts: HostAllowlist;
  readonly auth: AuthDeps;
  readonly nodeTypes: NodeTypesConfig;
}

/**
 * One HTTP server: the bearer-token API (GET /api/runs, GET /api/runs/:id/report), sign-in for
 * the web UI (POST /auth/login, /auth/logout) and the Next.js dashboard, which runs in this
 * process and reads the same Store. The API answers at once; the dashboard answers 503 until
 * Next is built and prepared. Every request is answered here, errors included: nothing is
 * left to a process-wide handler (Next installs one that would swallow the error and the reply).
 */
export function serveApi(store: Store, opts: ServeOptions, log: Logger): Server {
  const dir = dirname(opts.tokensPath);
  const bind = opts.host ?? '127.0.0.1';
  const tokens = loadTokens(opts.tokensPath);
  const created = createUsersFile(join(dir, 'users.json'));
  if (created) log.info('created dashboard admin; sign in with this one-time login (user:pass), shown only now', { one_time_login: `${created.user}:${created.password}`, users_file: join(dir, 'users.json') });
  const users = new UserDirectory(join(dir, 'users.json'), log);
  const sessions = new Sessions(join(dir, 'session-secret'), users, new RevokedSessions(join(dir, 'revoked-sessions.json'), log));
  const nodeTypes = opts.nodeTypes ?? NO_NODE_TYPES;
  const dashboard = (opts.startDashboard ?? startDashboard)({ store, verifySession: (c) => sessions.verify(c),
    // The page's report says "elsewhere" with the same node types and prices as `runlens report`.
    buildReport: (s, runId) => buildReport(s, runId, Date.now(), nodeTypes), renderHtml, nodeTypes, findingNotes }, log);
  const server = createServer();
  const hosts = new HostAllowlist(bind, opts.allowedHosts ?? [], () => listeningPort(server));
  const auth: AuthDeps = { users, sessions, limiter: new LoginLimiter(), secureCookie: !isLoopback(bind) };
  const ctx: RequestContext = { store, tokens, sessions, dashboard, hosts, auth, nodeTypes, health: opts.health ?? ALWAYS_READY };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res, ctx).catch((e: unknown) => failed(res, e, log));
  });
  server.on('close', () => {
    dashboard.close().catch((e: unknown) => log.warn('dashboard did not close cleanly', { error: String(e) }));
  });
  return server.listen(opts.port, bind);
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, c: RequestContext): Promise<void> {
  setSecurityHeaders(res);
  const host = c.hosts.check(req.headers.host);
  if (host === 'bad') return sendJson(res, 400, { error: 'missing or malformed Host header' });
  if (host === 'refused') return sendJson(res, 421, { error: 'this server does not answer to that host name' });
  const url = parseTarget(req.url);
  if (!url) return sendJson(res, 400, { error: 'malformed request target' });
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (cookie.kind === 'malformed') {
    // Cleared, so that a browser holding it is not refused on every page from now on.
    res.setHeader('set-cookie', sessionCookie('', { secure: c.auth.secureCookie, maxAgeS: 0 }));
    return sendJson(res, 400, { error: 'malformed session cookie' });
  }
  const health = c.health();
  // /healthz is liveness (200 while the process answers); /readyz is 503 until every dependency was reached.
  if (req.method === 'GET' && url.pathname === '/healthz') return sendJson(res, 200, { ok: true, ...health, dashboard: c.dashboard.state() });
  if (req.method === 'GET' && url.pathname === '/readyz') return sendJson(res, health.ready ? 200 : 503, { ...health, dashboard: c.dashboard.state() });
  if (!health.ready) return sendJson(res, 503, { error: 'not ready', waiting_for: health.waiting_for });
  if (url.pathname.startsWith('/auth/')) return authRoute(req, res, url.pathname, c.auth);
  if (url.pathname.startsWith('/api/')) return apiRoute(req, res, url, cookie, c);
  return c.dashboard.handle(req, res);
}

async function apiRoute(req: IncomingMessage, res: ServerResponse, url: URL, cookie: CookieRead, c: RequestContext): Promise<void> {
  const id = authenticate(req.headers.authorization, c.tokens) ?? c.sessions.verify(cookie.kind === 'ok' ? cookie.value : undefined);
  if (!id) return sendJson(res, 401, { error: 'missing or invalid bearer token' });
  const select = /^\/api\/apps\/([^/]{1,256})\/select$/.exec(url.pathname);
  const [code, body] = select?.[1] && req.method === 'GET'
    ? await selectRoute(c, id, select[1], url.searchParams.get('scale'))
    : await route(c.store, id, req.method ?? '', url.pathname, c.nodeTypes);
  sendJson(res, code, body);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The last word on a request whose handler failed: a 500 if nothing was sent yet, else a cut connection. */
function failed(res: ServerResponse, e: unknown, log: Logger): void {
  log.error('http request failed', { error: e instanceof Error ? e.message : String(e) });
  if (res.headersSent) return void res.destroy();
  sendJson(res, 500, { error: 'internal error' });
}

function parseTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://local');
  } catch {
    return null;
  }
}

function listeningPort(server: Server): number {
  const a = server.address();
  return typeof a === 'object' && a ? a.port : -1;
}

async function route(store: Store, id: Identity, method: string, path: string, nodeTypes: NodeTypesConfig): Promise<[number, unknown]> {
  if (method !== 'GET') return [405, { error: 'method not allowed' }];
  if (path === '/api/runs') return [200, { runs: await listRuns(store, id) }];
  const m = /^\/api\/runs\/([A-Za-z0-9_-]+)\/report$/.exec(path);
  if (!m?.[1]) return [404, { error: 'not found' }];
  const owner = await runOwner(store, m[1]);
  if (owner === null) return [404, { error: 'no such run' }];
  if (!canSeeAll(id) && owner !== id.user) return [403, { error: 'not your run' }];
  return [200, await buildReport(store, m[1], Date.now(), nodeTypes)];
}

/** GET /api/apps/:app/select[?scale=N]: where to run the app, judged on the runs this identity may see. */
async function selectRoute(c: RequestContext, id: Identity, rawApp: string, rawScale: string | null): Promise<[number, unknown]> {
  let app: string;
  try {
    app = decodeURIComponent(rawApp);
  } catch {
    return [400, { error: 'malformed app name' }];
  }
  const scale = rawScale === null ? undefined : Number(rawScale);
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) return [400, { error: 'scale must be a positive number of cores' }];
  return [200, await selectForApp(c.store, id, app, c.nodeTypes, scale)];
}

async function listRuns(store: Store, id: Identity): Promise<RunListRow[]> {
  const rows = await visibleRuns(store, id, {}, 500);
  return rows.map(({ run_id, app, user, status, start_ms, end_ms, exit_code, cmd }) => ({ run_id, app, user, status, start_ms, end_ms, exit_code, cmd }));
}
