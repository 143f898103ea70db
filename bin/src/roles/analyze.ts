import { AnalyzerService } from '@runlens/analyzer';
import { openKafkaBus } from '@runlens/pipeline';
import { createLogger } from '@runlens/schemas';
import { hostname } from 'node:os';
import { z } from 'zod';
import { untilSignal } from '../signals.ts';
import { brokerList, loadRoleConfig } from './role-config.ts';
import { openConfiguredStore, storeSchema } from './store-config.ts';

const schema = z.object({
  RUNLENS_KAFKA_BROKERS: z.string().min(1, 'required: host:port[,host:port]'),
  RUNLENS_EVAL_INTERVAL_MS: z.coerce.number().int().min(500).max(60_000).default(5000),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ...storeSchema,
});

/**
 * `runlens analyze`: a replica of the streaming analyzer's consumer group. Kafka keys
 * samples by host, so a run spread over many hosts needs its hosts in one replica's
 * partitions; today one replica per cluster (or per partition of hosts) is the deployment.
 */
export async function analyzeRole(): Promise<number> {
  const c = loadRoleConfig(schema);
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'analyze', pid: process.pid });
  const store = await openConfiguredStore(c);
  for (const warning of await store.migrate()) log.warn('schema drift', { warning });
  const bus = await openKafkaBus({ brokers: brokerList(c.RUNLENS_KAFKA_BROKERS), clientId: `runlens-analyze-${hostname()}-${process.pid}`, log });
  const analyzer = new AnalyzerService({ bus, store, log, agentId: `analyzer:${hostname()}:${process.pid}`, evalIntervalMs: c.RUNLENS_EVAL_INTERVAL_MS });
  await analyzer.start();
  log.info('analyze started', { store: store.kind });
  const signal = await untilSignal();
  await analyzer.stop();
  await bus.close();
  await store.close();
  log.info('analyze stopped', { signal, samples: analyzer.counters.received, counters: analyzer.counters.snapshot() });
  return 0;
}
