import { ANALYZE_GROUP, type AlertForwarder, AnalyzerService } from '@runlens/analyzer';
import { openKafkaBus } from '@runlens/pipeline';
import { type ComponentCounters, ConfigError, clusterTopics, counterFamilies, createLogger } from '@runlens/schemas';
import { hostname } from 'node:os';
import { z } from 'zod';
import { healthSchema } from '../health/health-config.ts';
import { closeHealth, serveHealth } from '../health/health-server.ts';
import { metricsSchema, serveMetrics } from '../health/metrics-server.ts';
import { Readiness } from '../health/readiness.ts';
import { waitForStore, waitForTopics } from '../health/wait-for.ts';
import { untilSignal } from '../signals.ts';
import { alertForwarder, alertHealth, alertProblem, alertSchema } from './alert-config.ts';
import { busSchema, kafkaConnection } from './bus-config.ts';
import { loadRoleConfig } from './role-config.ts';
import { storeSchema } from './store-config.ts';
import { loadNodeTypes } from '../node-types-file.ts';

const schema = z.object({
  ...busSchema,
  // Least time between two live evaluations of one run; 0: at every tick complete on all its hosts.
  RUNLENS_EVAL_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Node types and prices: app models are kept per node type (issue 13).
  RUNLENS_NODE_TYPES_FILE: z.string().min(1).optional(),
  ...storeSchema,
  ...healthSchema,
  ...alertSchema,
  ...metricsSchema,
});

/**
 * `runlens analyze`: one replica of the streaming analyzer. Samples are keyed by host; each replica
 * repartitions them by run id (analyzer/src/stream/run-router.ts) and owns the runs of its partitions
 * of the run-keyed topic, so replicas scale by run and a replica's death hands its runs to the others.
 */
export async function analyzeRole(): Promise<number> {
  const c = loadRoleConfig(schema);
  const problem = alertProblem(c);
  if (problem) throw new ConfigError([problem]);
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'analyze', pid: process.pid });
  const readiness = new Readiness(log);
  let alerts: AlertForwarder | null = null;
  const health = serveHealth({ port: c.RUNLENS_HEALTH_PORT, host: c.RUNLENS_HEALTH_HOST }, () => ({ ...readiness.state(), ...alertHealth(alerts) }), log);
  // Served from the start: the counters of each part appear once it exists.
  const counters: ComponentCounters[] = [];
  const metrics = serveMetrics({ port: c.RUNLENS_METRICS_PORT, host: c.RUNLENS_METRICS_HOST, role: 'analyze' },
    () => [...counterFamilies(counters), ...(alerts?.families() ?? [])], log);
  const bus = await openKafkaBus({ ...kafkaConnection(c), clientId: `runlens-analyze-${hostname()}-${process.pid}`, log });
  const [store] = await Promise.all([waitForStore(readiness, c, log, true), waitForTopics(readiness, bus, clusterTopics(), c.RUNLENS_KAFKA_BROKERS, log)]);
  const analyzer = new AnalyzerService({ bus, store, log, agentId: `analyzer:${hostname()}:${process.pid}`, evalIntervalMs: c.RUNLENS_EVAL_INTERVAL_MS, nodeTypes: loadNodeTypes(c.RUNLENS_NODE_TYPES_FILE) });
  counters.push(analyzer.counters);
  await readiness.until(`the consumer group ${ANALYZE_GROUP} at ${c.RUNLENS_KAFKA_BROKERS}`, () => analyzer.start());
  const forwarder = alertForwarder(c, { bus, store, log });
  if (forwarder) await readiness.until('the alert consumer group', () => forwarder.start());
  if (forwarder) counters.push(forwarder.counters);
  alerts = forwarder;
  readiness.markReady();
  log.info('analyze started', { store: store.kind, alerting: alerts !== null });
  const signal = await untilSignal();
  await analyzer.stop();
  await alerts?.stop();
  await bus.close();
  await store.close();
  closeHealth(health);
  closeHealth(metrics);
  log.info('analyze stopped', { signal, samples: analyzer.counters.received, counters: analyzer.counters.snapshot(), alerts: alerts?.counters.snapshot() });
  return 0;
}
