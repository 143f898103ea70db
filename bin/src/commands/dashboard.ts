import { createLogger } from '@runlens/schemas';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { buildDashboard, dashboardBuildStale, serveApi } from '@runlens/web';
import { allowedHostsSchema } from '../config.ts';
import { loadRoleConfig } from '../roles/role-config.ts';
import { openConfiguredStore, storeSchema } from '../roles/store-config.ts';
import { untilSignal } from '../signals.ts';

const schema = z.object({
  ...storeSchema,
  RUNLENS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  RUNLENS_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  RUNLENS_HTTP_ALLOWED_HOSTS: allowedHostsSchema,
  RUNLENS_DATA_DIR: z.string().min(1).default(join(homedir(), '.runlens')),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
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
  const store = await openConfiguredStore(c);
  const server = serveApi(store, {
    tokensPath: join(c.RUNLENS_DATA_DIR, 'api-tokens.json'), port: c.RUNLENS_HTTP_PORT, host: c.RUNLENS_HTTP_HOST, allowedHosts: c.RUNLENS_HTTP_ALLOWED_HOSTS,
  }, log);
  await once(server, 'listening');
  const addr = server.address();
  log.info('runlens dashboard', { ui: typeof addr === 'object' && addr ? `http://${c.RUNLENS_HTTP_HOST}:${addr.port}` : addr, store: store.kind });
  const signal = await untilSignal();
  log.info('shutting down', { signal });
  server.close();
  server.closeAllConnections();
  await store.close();
  return 0;
}
