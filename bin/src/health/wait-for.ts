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
 * intended partitions. Where creating is refused (ACLs), it waits for someone who may. Then it
 * warns about topics replicated less than the cluster allows (warnUnderReplicated).
 */
export async function waitForTopics(r: Readiness, bus: Bus, topics: readonly string[], brokers: string, log: Logger): Promise<void> {
  await r.until(`Kafka at ${brokers}`, async () => {
    const missing = await bus.missingTopics(topics);
    if (missing.length === 0) return;
    try {
      await bus.ensureTopics(missing);
    } catch (e) {
      const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
      throw new StillWaiting(`topic ${missing[0] ?? ''} to exist${more}`, e);
    }
  });
  await warnUnderReplicated(bus, topics, log);
}

/**
 * Topics created before the cluster had its brokers (against one broker, or while nodes were down)
 * keep their replication factor: creating never raises it, and neither Kafka's admin API for
 * configs nor kafkajs can: it takes a partition reassignment (deploy/kafka/README.md). Until then a
 * broker loss stops or loses those partitions, so every role says so at start, and `runlens migrate`
 * too. The check never holds a role back: a failure to describe the topics is only logged.
 */
export async function warnUnderReplicated(bus: Bus, topics: readonly string[], log: Logger): Promise<void> {
  const short = await bus.replicationShortfalls(topics).catch((e: unknown) => {
    log.debug('could not check topic replication', { error: String(e) });
    return [];
  });
  if (short.length === 0) return;
  log.warn('topics replicated less than this Kafka cluster allows: a broker loss may stop or lose their partitions', {
    topics: short,
    fix: 'raise the replication factor with a partition reassignment (kafka-reassign-partitions.sh; deploy/kafka/README.md); '
      + 'the admin API cannot change it in place, and RunLens does not reassign. min.insync.replicas can be raised with kafka-configs.sh once the factor is 3',
  });
}
