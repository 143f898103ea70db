import { Agent, BatchPublisher, SpoolingProducer, createSamplers, readHostFacts, samplerListSchema, scontrolQuery } from '@runlens/collector';
import { openKafkaBus } from '@runlens/pipeline';
import { clusterTopics, counterFamilies, createLogger } from '@runlens/schemas';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { healthSchema } from '../health/health-config.ts';
import { closeHealth, serveHealth } from '../health/health-server.ts';
import { metricsSchema, serveMetrics } from '../health/metrics-server.ts';
import { Readiness } from '../health/readiness.ts';
import { waitForTopics } from '../health/wait-for.ts';
import { untilSignal } from '../signals.ts';
import { DEFAULT_AGENT_SOCKET, serveAgentSocket } from './agent-socket.ts';
import { busSchema, kafkaConnection } from './bus-config.ts';
import { loadRoleConfig } from './role-config.ts';

const schema = z.object({
  ...busSchema,
  RUNLENS_HOST: z.string().min(1).default(hostname()),
  RUNLENS_CLUSTER: z.string().min(1).default('default'),
  RUNLENS_AGENT_ID: z.string().optional(),
  RUNLENS_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  RUNLENS_SAMPLERS: samplerListSchema,
  RUNLENS_SPOOL_DIR: z.string().default(join(homedir(), '.runlens', 'spool')),
  RUNLENS_SPOOL_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).default(1024 ** 3),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** This node's Slurm NodeName, where several nodes share a machine (testbeds): attribution by its cgroup subtree. */
  RUNLENS_SLURM_NODE: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  /** How to ask Slurm about a job: the scontrol command and any leading arguments, space-separated; 'none' to never ask. */
  RUNLENS_SCONTROL: z.string().max(512).default('scontrol'),
  /** Where MPI ranks on this node write their PMPI reports (the ranks get the same RUNLENS_MPI_DIR); unset: not read. */
  RUNLENS_MPI_DIR: z.string().default(''),
  /** Where Slurm's Prolog/Epilog (`runlens slurm prolog|epilog`) reach this agent; 'none' for no socket. */
  RUNLENS_AGENT_SOCKET: z.string().min(1).max(107).default(DEFAULT_AGENT_SOCKET),
  ...healthSchema,
  ...metricsSchema,
});

/** `runlens agent`: sample this node and publish to Kafka, spooling to disk while it is away. */
export async function agentRole(): Promise<number> {
  const c = loadRoleConfig(schema);
  const log = createLogger(c.RUNLENS_LOG_LEVEL, { role: 'agent', host: c.RUNLENS_HOST });
  const agentId = c.RUNLENS_AGENT_ID ?? c.RUNLENS_HOST;
  const bus = await openKafkaBus({ ...kafkaConnection(c), clientId: `runlens-agent-${agentId}`, log });
  const readiness = new Readiness(log);
  const health = serveHealth({ port: c.RUNLENS_HEALTH_PORT, host: c.RUNLENS_HEALTH_HOST }, () => readiness.state(), log);
  // Sampling never waits for Kafka: batches spool until the broker and the topics are there.
  const topics = waitForTopics(readiness, bus, clusterTopics(), c.RUNLENS_KAFKA_BROKERS, log).then(() => readiness.markReady(), () => undefined);
  const producer = new SpoolingProducer(bus.producer(), join(c.RUNLENS_SPOOL_DIR, agentId), c.RUNLENS_SPOOL_MAX_BYTES, log);
  const publisher = new BatchPublisher(producer, agentId, c.RUNLENS_HOST);
  const host = { ...readHostFacts(c.RUNLENS_HOST), procRoot: '/proc', sysRoot: '/sys', log };
  const { active, absent } = await createSamplers(host, c.RUNLENS_SAMPLERS, { mpi: { dir: c.RUNLENS_MPI_DIR } }, log);
  const scontrol = c.RUNLENS_SCONTROL === 'none' ? null : scontrolQuery({ argv: c.RUNLENS_SCONTROL.split(/\s+/).filter(Boolean), timeoutMs: 5000 });
  const slurm = { node: c.RUNLENS_SLURM_NODE ?? null, scontrol };
  const agent = new Agent({ host, samplers: active, publisher, cluster: c.RUNLENS_CLUSTER, intervalMs: c.RUNLENS_INTERVAL_MS, log, slurm });
  agent.start();
  const metrics = serveMetrics({ port: c.RUNLENS_METRICS_PORT, host: c.RUNLENS_METRICS_HOST, role: 'agent' }, () => [
    ...counterFamilies([agent.counters, publisher.counters, producer.counters]),
    { name: 'runlens_spool_backlog_batches', help: 'Batches in the spool waiting for the bus.', type: 'gauge', samples: [{ value: producer.backlog }] },
  ], log);
  const hooks = c.RUNLENS_AGENT_SOCKET === 'none' ? null : serveAgentSocket(c.RUNLENS_AGENT_SOCKET, agent, log);
  log.info('agent started', { agent_id: agentId, samplers: active.map((s) => s.id), absent });
  const signal = await untilSignal();
  readiness.stop();
  hooks?.close();
  await topics;
  await agent.stop();
  await producer.drain();
  await producer.close();
  await bus.close();
  closeHealth(health);
  closeHealth(metrics);
  log.info('agent stopped', {
    signal, ticks: agent.ticks, batches: publisher.batches, rows_published: Object.fromEntries(publisher.rows),
    spool_backlog: producer.backlog, spool_dropped: producer.dropped,
    counters: [agent.counters, publisher.counters, producer.counters].map((c) => c.snapshot()),
  });
  return 0;
}
