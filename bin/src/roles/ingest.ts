import { INGEST_GROUP, IngestService, type Bus, type OtlpExport, openKafkaBus, openOtlpExport, openTelemetry } from '@runlens/pipeline';
import { type ComponentCounters, DurationHistogram, type Logger, type MetricFamily, clusterTopics, counterFamilies, createLogger } from '@runlens/schemas';
import { hostname } from 'node:os';
import { z } from 'zod';
import { healthSchema } from '../health/health-config.ts';
import { closeHealth, serveHealth } from '../health/health-server.ts';
import { lagFamily, metricsSchema, serveMetrics } from '../health/metrics-server.ts';
import { Readiness } from '../health/readiness.ts';
import { waitForStore, waitForTopics } from '../health/wait-for.ts';
import { untilSignal } from '../signals.ts';
import { busSchema, kafkaConnection } from './bus-config.ts';
import { loadRoleConfig } from './role-config.ts';
import { storeSchema } from './store-config.ts';

const schema = z.object({
  ...busSchema,
  RUNLENS_INGEST_GROUP: z.string().min(1).default(INGEST_GROUP),
  /** An OTLP/HTTP receiver (http://collector:4318): the series and findings, and these self-metrics, go there too. */
  RUNLENS_OTLP_ENDPOINT: z.string().url().optional(),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ...storeSchema,
  ...healthSchema,
  ...metricsSchema,
});

/** `runlens ingest`: one replica of the consumer group Kafka → store. Run N of them. */
export async function ingestRole(): Promise<number> {
  const c = loadRoleConfig(schema);
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'ingest', pid: process.pid });
  const readiness = new Readiness(log);
  const health = serveHealth({ port: c.RUNLENS_HEALTH_PORT, host: c.RUNLENS_HEALTH_HOST }, () => readiness.state(), log);
  const parts: { counters: ComponentCounters; lag: () => Promise<number> }[] = [];
  const batches = new DurationHistogram('runlens_ingest_batch_duration_seconds', 'From fetch to durable write, per buffered write.');
  const metrics = serveMetrics({ port: c.RUNLENS_METRICS_PORT, host: c.RUNLENS_METRICS_HOST, role: 'ingest' }, async (): Promise<MetricFamily[]> => [
    ...counterFamilies(parts.map((p) => p.counters)), batches.family(),
    ...(await Promise.all(parts.map((p) => lagFamily(p.counters.component, p.lag)))),
  ], log);
  const bus = await openKafkaBus({ ...kafkaConnection(c), clientId: `runlens-ingest-${hostname()}-${process.pid}`, log });
  // Any start order: the store, the broker and the topics are awaited together, each with its own line.
  const [store] = await Promise.all([waitForStore(readiness, c, log, true), waitForTopics(readiness, bus, clusterTopics(), c.RUNLENS_KAFKA_BROKERS, log)]);
  let telemetry: Awaited<ReturnType<typeof openTelemetry>> | null = null;
  const ingest = new IngestService({ bus, store, log, group: c.RUNLENS_INGEST_GROUP, onBatch: (ms, rows) => { batches.observeMs(ms); telemetry?.recordBatch(ms, rows); } });
  parts.push({ counters: ingest.counters, lag: () => ingest.lag() });
  telemetry = c.RUNLENS_OTLP_ENDPOINT ? await openTelemetry({ service: 'runlens-ingest', otlpEndpoint: c.RUNLENS_OTLP_ENDPOINT }, ingest.counters, () => ingest.lag()) : null;
  const otlp = await startOtlpExport(c.RUNLENS_OTLP_ENDPOINT, bus, log);
  if (otlp) parts.push({ counters: otlp.service.counters, lag: () => otlp.service.lag() });
  await readiness.until(`the consumer group ${c.RUNLENS_INGEST_GROUP} at ${c.RUNLENS_KAFKA_BROKERS}`, () => ingest.start());
  readiness.markReady();
  log.info('ingest started', { store: store.kind, capabilities: store.capabilities, otlp: c.RUNLENS_OTLP_ENDPOINT ?? null });
  const signal = await untilSignal();
  // Stopping the consumer waits for the batch in flight: it is written and committed, or redelivered.
  await ingest.stop();
  await otlp?.service.stop();
  await otlp?.shutdown();
  await bus.close();
  await store.close();
  await telemetry?.shutdown();
  closeHealth(health);
  closeHealth(metrics);
  log.info('ingest stopped', { signal, ...ingest.counters.snapshot() });
  return 0;
}

/** The OTLP export of series and findings: a consumer group of its own, beside ingest's (pipeline/src/export). */
async function startOtlpExport(endpoint: string | undefined, bus: Bus, log: Logger): Promise<OtlpExport | null> {
  if (!endpoint) return null;
  const otlp = await openOtlpExport({ bus, endpoint, service: 'runlens', log });
  await otlp.service.start();
  log.info('OTLP export started', { endpoint });
  return otlp;
}
