// Opens RunLens stores for one measurement: a fresh database each time, dropped afterwards.
// chDB allows one data directory per process, so every chDB database lives under one path.
import { type Store, openChdbStore, openClickHouseStore } from '@runlens/pipeline';
import type { ClickHouseHttp } from '../ingest/clickhouse-http.ts';

export interface OpenedStore {
  readonly store: Store;
  /** Raw HTTP to the 18.16 server; null for chDB. */
  readonly http: ClickHouseHttp | null;
  /** clickhouse-server's pid for CPU accounting; null for chDB (it runs in this process). */
  readonly serverPid: number | null;
  /** Drops the database and closes the store. */
  drop(): Promise<void>;
}

export type StoreOpener = (kind: 'chdb' | 'clickhouse', database: string) => Promise<OpenedStore>;

export function progress(msg: string): void {
  process.stderr.write(`[storage-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export function storeOpener(chdbPath: string, http: ClickHouseHttp): StoreOpener {
  return async (kind, database) => {
    if (kind === 'chdb') {
      const store = await openChdbStore({ path: chdbPath, database }).catch((e: unknown) => { throw new Error(`chDB: open ${chdbPath}: ${String(e)}`); });
      return {
        store, http: null, serverPid: null,
        drop: async () => { await store.query(`DROP DATABASE IF EXISTS ${database}`); await store.close(); },
      };
    }
    const store = await openClickHouseStore({ url: http.url, database }).catch((e: unknown) => { throw new Error(`ClickHouse 18.16 at ${http.url}: ${String(e)}`); });
    await store.migrate();
    return {
      store, http, serverPid: http.serverPid(),
      drop: async () => { await http.sql(`DROP DATABASE IF EXISTS ${database}`); await store.close(); },
    };
  };
}
