import type { Bus, Store } from '@runlens/pipeline';
import { ConfigError, type Logger } from '@runlens/schemas';
import { type StoreSettings, openConfiguredStore } from '../roles/store-config.ts';
import { type Readiness, StillWaiting } from './readiness.ts';

/** How the store is named in waiting lines and on the health endpoint. */
export function storeLabel(c: StoreSettings): string {
  return c.RUNLENS_STORE === 'chdb' ? `chDB at ${c.RUNLENS_CHDB_PATH ?? '(unset)'}` : `ClickHouse at ${c.RUNLENS_CLICKHOUSE_URL}`;
}

/**
 * Waits until the store answers and, with `migrate`, until every catalog table exists
 * (CREATE … IF NOT EXISTS: any role may come first, concurrent migrations converge).
 */
export async function waitForStore(r: Readiness, c: StoreSettings, log: Logger, migrate: boolean): Promise<Store> {
  if (c.RUNLENS_STORE === 'chdb' && !c.RUNLENS_CHDB_PATH) throw new ConfigError(['RUNLENS_CHDB_PATH: required with RUNLENS_STORE=chdb']);
  const where = storeLabel(c);
  return r.until(where, async () => {
    const store = await openConfiguredStore(c);
    if (!migrate) return store;
    try {
      for (const warning of await store.migrate()) log.warn('schema drift', { warning });
      return store;
    } catch (e) {
      await store.close().catch(() => undefined);
      throw new StillWaiting(`the schema in ${where}`, e);
    }
  });
}

/**
 * Waits until Kafka answers and every topic exists, creating the missing ones with the
 * intended partitions. Where creating is refused (ACLs), it waits for someone who may.
 */
export function waitForTopics(r: Readiness, bus: Bus, topics: readonly string[], brokers: string): Promise<void> {
  return r.until(`Kafka at ${brokers}`, async () => {
    const missing = await bus.missingTopics(topics);
    if (missing.length === 0) return;
    try {
      await bus.ensureTopics(missing);
    } catch (e) {
      const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
      throw new StillWaiting(`topic ${missing[0] ?? ''} to exist${more}`, e);
    }
  });
}
