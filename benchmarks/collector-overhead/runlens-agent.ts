/**
 * The RunLens node agent as production composes it (see bin/src/embedded-stack.ts), minus
 * the store: samplers → Agent → BatchPublisher (Arrow encode) → MemoryBus → a consumer
 * group that discards. chDB is never imported here. With BENCH_AGENT_KAFKA (a broker's
 * address, set by run.ts for BENCH_BUS=kafka) the bus is the KafkaBus `runlens agent` opens
 * (bin/src/roles/agent.ts: kafkajs, LZ4, acks=all), and nothing consumes in this process.
 *
 * Usage: runlens-agent.ts <max_duration_s>
 * Stdout protocol (one JSON line each): {"ready":true} once ticking; a counters line per
 * SIGUSR2, so the harness can read tick counts at the edges of its window without a
 * per-tick write inside the measured process.
 */
import { Agent, BatchPublisher, type SamplerId, createSamplers, readHostFacts } from '@runlens/collector';
import { type Bus, MemoryBus, openKafkaBus } from '@runlens/pipeline';
import { type TableName, type TableRows, silentLogger, topicFor } from '@runlens/schemas';

const SAMPLERS: readonly SamplerId[] = ['process', 'node'];
const TOPICS = (['process_samples', 'node_samples', 'device_samples', 'runs'] as const).map((t) => topicFor(t));

/** Counts rows per table on the way through; the encode and send are the real ones. */
class CountingPublisher extends BatchPublisher {
  readonly benchRows = new Map<string, number>();

  override async publish<N extends TableName>(table: N, rows: TableRows<N>): Promise<void> {
    this.benchRows.set(table, (this.benchRows.get(table) ?? 0) + rows.length);
    await super.publish(table, rows);
  }
}

async function main(): Promise<void> {
  const maxDurationS = Number(process.argv[2] ?? '60');
  const facts = readHostFacts();
  const host = { ...facts, procRoot: '/proc', sysRoot: '/sys', log: silentLogger };
  const kafka = process.env.BENCH_AGENT_KAFKA;
  const bus: Bus = kafka ? await openKafkaBus({ brokers: [kafka], clientId: `bench-agent-${process.pid}`, compression: 'lz4' }) : new MemoryBus(4, 2);
  let consumed = 0;
  if (kafka) await bus.ensureTopics(TOPICS);
  // A node agent hands batches to Kafka and keeps none: the memory bus keeps 2 messages per
  // partition, not its default 100,000, so its log is not counted as the agent's memory.
  const sub = kafka ? null : await bus.subscribe({
    group: 'bench-discard',
    topics: TOPICS,
    eachBatch: async (batch) => {
      consumed += batch.messages.length;
    },
  });
  const publisher = new CountingPublisher(bus.producer(), `${facts.host}:${process.pid}`, facts.host);
  const { active, absent } = await createSamplers(host, SAMPLERS, {}, silentLogger);
  const agent = new Agent({ host, samplers: active, publisher, cluster: 'bench', intervalMs: 1000, log: silentLogger });

  const report = (): void => {
    const line = {
      ticks: agent.ticks, batches: publisher.batches, consumed, absent,
      process_rows: publisher.benchRows.get('process_samples') ?? 0, errors: Object.fromEntries(agent.counters.errors),
      memory: process.memoryUsage(),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearTimeout(limit);
    await agent.stop();
    await sub?.stop();
    await bus.close();
    report();
    process.exit(0);
  };
  const limit = setTimeout(() => void stop(), maxDurationS * 1000);
  process.on('SIGUSR2', report);
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  agent.start();
  process.stdout.write(`${JSON.stringify({ ready: true, samplers: active.map((s) => s.id) })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`runlens-agent failed: ${String(e)}\n`);
  process.exit(1);
});
