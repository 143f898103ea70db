import type { Store } from '@runlens/schemas';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChdbStore, openClickHouseStore } from '../open.ts';
import { startClickHouse } from './servers.ts';

export interface OpenedStore { readonly store: Store; done(): Promise<void> }
/** A store kind for `describe.each`: name, whether it can run here, and how to open a fresh one. */
export type TestStoreKind = readonly [name: string, available: boolean, open: () => Promise<OpenedStore>];

const hasClickHouse = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { stdio: 'ignore' }).status === 0;
const database = (): string => `t_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;

/**
 * Both stores a query must work on: chDB (ClickHouse 26.x, DateTime64; its own temp data dir,
 * and chDB allows one data dir per process, so one per test file) and Debian's ClickHouse 18.16
 * server (epoch-ms time, no server-side parameters), where it is installed. Each gets its own
 * database, migrated.
 */
export const TEST_STORES: readonly TestStoreKind[] = [
  ['chdb', true, async () => {
    const store = await openChdbStore({ path: mkdtempSync(join(tmpdir(), 'runlens-repo-')), database: database() });
    return { store, done: () => store.close() };
  }],
  ['clickhouse 18.16', hasClickHouse, async () => {
    const server = await startClickHouse();
    const store = await openClickHouseStore({ url: server.url, database: database(), username: 'default', password: '' });
    await store.migrate();
    return { store, done: async () => { await store.close(); await server.stop(); } };
  }],
];
