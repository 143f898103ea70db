import { buildReport } from '@runlens/analyzer';
import type { Store } from '@runlens/pipeline';
import { type Server, createServer } from 'node:http';
import { type Identity, authenticate, canSeeAll, loadTokens } from './api-auth.ts';

interface RunListRow { run_id: string; app: string; user: string; status: string; start_ms: number; end_ms: number | null; exit_code: number | null; cmd: string }

/** The small local API: GET /api/runs and GET /api/runs/:id/report, bearer-token authenticated. */
export function serveApi(store: Store, tokensPath: string, port: number, host = '127.0.0.1'): Server {
  const tokens = loadTokens(tokensPath);
  const server = createServer((req, res) => {
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { ok: true });
    const id = authenticate(req.headers.authorization, tokens);
    if (!id) return send(401, { error: 'missing or invalid bearer token' });
    route(store, id, req.method ?? '', req.url ?? '').then(([code, body]) => send(code, body), (e: unknown) => send(500, { error: String(e) }));
  });
  return server.listen(port, host);
}

async function route(store: Store, id: Identity, method: string, url: string): Promise<[number, unknown]> {
  if (method !== 'GET') return [405, { error: 'method not allowed' }];
  const path = new URL(url, 'http://local').pathname;
  if (path === '/api/runs') return [200, { runs: await listRuns(store, id) }];
  const m = /^\/api\/runs\/([A-Za-z0-9_-]+)\/report$/.exec(path);
  if (!m?.[1]) return [404, { error: 'not found' }];
  const owner = await store.query<{ user: string }>('SELECT user FROM runs FINAL WHERE run_id = {id:String}', { id: m[1] });
  if (!owner[0]) return [404, { error: 'no such run' }];
  if (!canSeeAll(id) && owner[0].user !== id.user) return [403, { error: 'not your run' }];
  return [200, await buildReport(store, m[1])];
}

async function listRuns(store: Store, id: Identity): Promise<RunListRow[]> {
  return store.query<RunListRow>(
    `SELECT run_id, app, user, status, ${store.sql.ms('start_ts')} AS start_ms,
            if(isNull(end_ts), NULL, ${store.sql.ms('assumeNotNull(end_ts)')}) AS end_ms, exit_code, cmd
     FROM runs FINAL WHERE {all:Bool} OR user = {user:String} ORDER BY start_ts DESC LIMIT 500`,
    { all: canSeeAll(id), user: id.user });
}
