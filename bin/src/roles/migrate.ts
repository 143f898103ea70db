import { openKafkaBus } from '@runlens/pipeline';
import { clusterTopics, createLogger } from '@runlens/schemas';
import { z } from 'zod';
import { Readiness } from '../health/readiness.ts';
import { waitForStore, waitForTopics } from '../health/wait-for.ts';
import { busSecuritySchema, kafkaConnection } from './bus-config.ts';
import { loadRoleConfig } from './role-config.ts';
import { storeSchema } from './store-config.ts';

const schema = z.object({
  ...storeSchema,
  /** When set, migrate also creates every topic (partitions as intended; the broker never auto-creates). */
  RUNLENS_KAFKA_BROKERS: z.string().min(1).optional(),
  ...busSecuritySchema,
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/**
 * `runlens migrate`: create the database, every catalog table for this server's capabilities
 * and, given RUNLENS_KAFKA_BROKERS, every topic. Waits for servers that are not up yet.
 */
export async function migrateRole(): Promise<number> {
  const c = loadRoleConfig(schema);
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'migrate' });
  const readiness = new Readiness(log);
  const brokers = c.RUNLENS_KAFKA_BROKERS;
  const bus = brokers ? await openKafkaBus({ ...kafkaConnection({ ...c, RUNLENS_KAFKA_BROKERS: brokers }), clientId: `runlens-migrate-${process.pid}`, log }) : null;
  try {
    const [store] = await Promise.all([waitForStore(readiness, c, log, true), bus && brokers ? waitForTopics(readiness, bus, clusterTopics(), brokers, log) : null]);
    log.info('migrated', { store: store.kind, database: store.database, capabilities: store.capabilities, topics: bus ? clusterTopics() : [] });
    await store.close();
    return 0;
  } finally {
    await bus?.close();
  }
}
