import { type Store, openChdbStore, openClickHouseStore } from '@runlens/pipeline';
import { ConfigError } from '@runlens/schemas';
import { z } from 'zod';
import { onePassword, pemFile, secretFile } from './config-files.ts';

/** Store settings shared by ingest, migrate and the cluster dashboard. */
export const storeSchema = {
  RUNLENS_STORE: z.enum(['clickhouse', 'chdb']).default('clickhouse'),
  RUNLENS_CLICKHOUSE_URL: z.string().url().default('http://127.0.0.1:8123'),
  RUNLENS_CLICKHOUSE_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lowercase identifier').default('runlens'),
  RUNLENS_CLICKHOUSE_USER: z.string().default('default'),
  RUNLENS_CLICKHOUSE_PASSWORD: z.string().optional(),
  RUNLENS_CLICKHOUSE_PASSWORD_FILE: secretFile().optional(),
  /** PEM CA for an https:// RUNLENS_CLICKHOUSE_URL signed by a private CA. */
  RUNLENS_CLICKHOUSE_CA_FILE: pemFile().optional(),
  RUNLENS_CHDB_PATH: z.string().optional(),
  /**
   * A cluster in the server's remote_servers (deploy/clickhouse/cluster-start): replicated local
   * tables under Distributed ones, sharded by host or run_id. Unset: one server.
   */
  RUNLENS_CLICKHOUSE_CLUSTER: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lowercase identifier').optional(),
};

const storeObject = z.object(storeSchema);

/**
 * Whether a user command (`runlens report`, `runlens job`) reads the cluster store: when the
 * store is configured (RUNLENS_STORE or a RUNLENS_CONFIG_FILE), instead of this machine's data dir.
 */
export function clusterStoreConfigured(env: NodeJS.ProcessEnv): boolean {
  return env.RUNLENS_STORE !== undefined || env.RUNLENS_CONFIG_FILE !== undefined;
}
export type StoreSettings = z.infer<typeof storeObject>;

export async function openConfiguredStore(c: StoreSettings): Promise<Store> {
  if (c.RUNLENS_STORE === 'chdb') {
    if (c.RUNLENS_CLICKHOUSE_CLUSTER !== undefined) throw new ConfigError(['RUNLENS_CLICKHOUSE_CLUSTER needs RUNLENS_STORE=clickhouse: chDB is one embedded server']);
    if (!c.RUNLENS_CHDB_PATH) throw new Error('RUNLENS_CHDB_PATH is required with RUNLENS_STORE=chdb');
    return openChdbStore({ path: c.RUNLENS_CHDB_PATH, database: c.RUNLENS_CLICKHOUSE_DATABASE });
  }
  const { password, problem } = onePassword(c.RUNLENS_CLICKHOUSE_PASSWORD, c.RUNLENS_CLICKHOUSE_PASSWORD_FILE, 'RUNLENS_CLICKHOUSE');
  if (problem) throw new ConfigError([problem]);
  return openClickHouseStore({
    url: c.RUNLENS_CLICKHOUSE_URL, database: c.RUNLENS_CLICKHOUSE_DATABASE, username: c.RUNLENS_CLICKHOUSE_USER, password: password ?? '',
    ...(c.RUNLENS_CLICKHOUSE_CA_FILE === undefined ? {} : { caCertPem: c.RUNLENS_CLICKHOUSE_CA_FILE }),
    ...(c.RUNLENS_CLICKHOUSE_CLUSTER === undefined ? {} : { cluster: c.RUNLENS_CLICKHOUSE_CLUSTER }),
  });
}
