import { counterFamilies, createLogger } from '@runlens/schemas';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadNodeTypes } from '../node-types-file.ts';
import { buildDashboard, dashboardBuildStale, serveApi } from '@runlens/web';
import { allowedHostsSchema } from '../config.ts';
import { loadRoleConfig } from '../roles/role-config.ts';
import { storeSchema } from '../roles/store-config.ts';
import { LateStore } from '../health/late-store.ts';
import { Readiness, StartupStopped } from '../health/readiness.ts';
import { storeLabel, waitForStore } from '../health/wait-for.ts';
import { untilSignal } from '../signals.ts';
import { closeHealth } from '../health/health-server.ts';
import { countRequests, metricsSchema, serveMetrics } from '../health/metrics-server.ts';

const schema = z.object({
  ...storeSchema,
  RUNLENS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  RUNLENS_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  RUNLENS_HTTP_ALLOWED_HOSTS: allowedHostsSchema,
  RUNLENS_DATA_DIR: z.string().min(1).default(join(homedir(), '.runlens')),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  RUNLENS_NODE_TYPES_FILE: z.string().min(1).optional(),
  ...metricsSchema,
});

/** `runlens dashboard [build]`: the cluster dashboard over a ClickHouse (or chDB) store; users and tokens in RUNLENS_DATA_DIR. */
export async function dashboardCommand(args: readonly string[] = []): Promise<number> {
  const c = loadRoleConfig(schema);
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'dashboard', pid: process.pid });
  if (args[0] === 'build') {
    // `runlens dashboard build`: build the Next app now if its sources changed (CI, tests, packaging).
    if (dashboardBuildStale()) await buildDashboard(log);
    return 0;
  }
  mkdirSync(c.RUNLENS_DATA_DIR, { recursive: true, mode: 0o700 });
  // The server answers first (/healthz, /readyz; 503 elsewhere) and the store is awaited behind it, in any start order.
  const readiness = new Readiness(log);
  const store = new LateStore(storeLabel(c));
  const server = serveApi(store, {
    tokensPath: join(c.RUNLENS_DATA_DIR, 'api-tokens.json'), port: c.RUNLENS_HTTP_PORT, host: c.RUNLENS_HTTP_HOST,
    allowedHosts: c.RUNLENS_HTTP_ALLOWED_HOSTS, health: () => readiness.state(), nodeTypes: loadNodeTypes(c.RUNLENS_NODE_TYPES_FILE),
  }, log);
  const http = countRequests(server, 'http');
  const metrics = serveMetrics({ port: c.RUNLENS_METRICS_PORT, host: c.RUNLENS_METRICS_HOST, role: 'dashboard' }, () => counterFamilies([http]), log);
  await once(server, 'listening');
  const addr = server.address();
  log.info('runlens dashboard', { ui: typeof addr === 'object' && addr ? `http://${c.RUNLENS_HTTP_HOST}:${addr.port}` : addr, store: c.RUNLENS_STORE });
  const shutdown = untilSignal();
  const opened = waitForStore(readiness, c, log, true).then((s) => { store.attach(s); readiness.markReady(); log.info('dashboard ready', { store: s.kind }); });
  const signal = await Promise.race([shutdown, opened.then(() => shutdown)]);
  readiness.stop();
  await opened.catch((e: unknown) => { if (!(e instanceof StartupStopped)) throw e; });
  log.info('shutting down', { signal });
  server.close();
  server.closeAllConnections();
  closeHealth(metrics);
  await store.close();
  return 0;
}
