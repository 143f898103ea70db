import type { Logger } from '@runlens/schemas';
import { type Server, createServer } from 'node:http';
import type { HealthState } from './readiness.ts';

export interface HealthServerOptions {
  /** RUNLENS_HEALTH_PORT; undefined serves nothing, 0 picks a free port (logged). */
  readonly port: number | undefined;
  readonly host: string;
}

/**
 * The health endpoint of a role without a web server of its own (agent, ingest, analyze).
 * GET /healthz is liveness: 200 while the process answers. GET /readyz is readiness: 200
 * once every dependency was reached, 503 before. Both carry { live, ready, waiting_for }.
 */
export function serveHealth(opts: HealthServerOptions, state: () => HealthState, log: Logger): Server | null {
  if (opts.port === undefined) return null;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body = state();
    const code = req.method !== 'GET' ? 405 : path === '/healthz' ? 200 : path === '/readyz' ? (body.ready ? 200 : 503) : 404;
    res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(code === 404 || code === 405 ? { error: code === 404 ? 'not found' : 'method not allowed' } : body));
  });
  // A port held by the previous instance frees itself; the role keeps working without the endpoint.
  server.on('error', (e) => log.error('health endpoint not served', { port: opts.port, error: e.message }));
  server.on('listening', () => {
    const a = server.address();
    log.info('health endpoint listening', { url: `http://${opts.host}:${typeof a === 'object' && a ? a.port : opts.port}/readyz` });
  });
  return server.listen(opts.port, opts.host);
}

/** Closes the endpoint and its open connections (probes keep them alive). */
export function closeHealth(server: Server | null): void {
  if (!server) return;
  server.close();
  server.closeAllConnections();
}
