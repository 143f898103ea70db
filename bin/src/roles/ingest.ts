import { INGEST_GROUP, IngestService, openKafkaBus, openTelemetry } from '@runlens/pipeline';
import { clusterTopics, createLogger } from '@runlens/schemas';
import { hostname } from 'node:os';
import { z } from 'zod';
import { healthSchema } from '../health/health-config.ts';
import { closeHealth, serveHealth } from '../health/health-server.ts';
import { Readiness } from '../health/readiness.ts';
import { waitForStore, waitForTopics } from '../health/wait-for.ts';
import { untilSignal } from '../signals.ts';
import { busSchema, kafkaConnection } from './bus-config.ts';
import { loadRoleConfig } from './role-config.ts';
import { storeSchema } from './store-config.ts';

const schema = z.object({
  ...busSchema,
  RUNLENS_INGEST_GROUP: z.string().min(1).default(INGEST_GROUP),
  RUNLENS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  RUNLENS_OTLP_ENDPOINT: z.string().url().optional(),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ...storeSchema,
  ...healthSchema,
});

/** `runlens ingest`: one replica of the consumer group Kafka → store. Run N of them. */
export async function ingestRole(): Promise<number> {
  const c = loadRoleConfig(schema);
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'ingest', pid: process.pid });
  const readiness = new Readiness(log);
  const health = serveHealth({ port: c.RUNLENS_HEALTH_PORT, host: c.RUNLENS_HEALTH_HOST }, () => readiness.state(), log);
  const bus = await openKafkaBus({ ...kafkaConnection(c), clientId: `runlens-ingest-${hostname()}-${process.pid}`, log });
  // Any start order: the store, the broker and the topics are awaited together, each with its own line.
  const [store] = await Promise.all([waitForStore(readiness, c, log, true), waitForTopics(readiness, bus, clusterTopics(), c.RUNLENS_KAFKA_BROKERS)]);
  let telemetry: Awaited<ReturnType<typeof openTelemetry>> | null = null;
  const ingest = new IngestService({ bus, store, log, group: c.RUNLENS_INGEST_GROUP, onBatch: (ms, rows) => telemetry?.recordBatch(ms, rows) });
  telemetry = await openTelemetry({ service: 'runlens-ingest', prometheusPort: c.RUNLENS_METRICS_PORT, otlpEndpoint: c.RUNLENS_OTLP_ENDPOINT }, ingest.counters, () => ingest.lag());
  await readiness.until(`the consumer group ${c.RUNLENS_INGEST_GROUP} at ${c.RUNLENS_KAFKA_BROKERS}`, () => ingest.start());
  readiness.markReady();
  log.info('ingest started', { store: store.kind, capabilities: store.capabilities, metrics_port: c.RUNLENS_METRICS_PORT });
  const signal = await untilSignal();
  // Stopping the consumer waits for the batch in flight: it is written and committed, or redelivered.
  await ingest.stop();
  await bus.close();
  await store.close();
  await telemetry.shutdown();
  closeHealth(health);
  log.info('ingest stopped', { signal, ...ingest.counters.snapshot() });
  return 0;
}
