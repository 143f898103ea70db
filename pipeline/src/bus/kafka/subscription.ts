import { backoffMs, type Logger } from '@runlens/schemas';
import { type Consumer, type ConsumerConfig, type EachBatchPayload, type IHeaders, type Kafka, PartitionAssigners } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusMessage, SubscribeOptions, Subscription } from '../types.ts';
import { classifyKafkaError } from './classify.ts';
import { coPartitionedAssigner } from './co-partitioned.ts';
import { SlicePacer } from './slice-pacer.ts';

function headersOf(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const one = Array.isArray(v) ? v[0] : v;
    if (one !== undefined) out[k] = Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
  }
  return out;
}

const HEARTBEAT_MS = 3000;
const SESSION_TIMEOUT_MS = 15_000;
const METADATA_MAX_AGE_MS = 10_000;

/** The consumer's settings: bounded fetches, fast metadata refresh and retries that never give up. */
function consumerConfig(opts: SubscribeOptions): ConsumerConfig {
  return {
      groupId: opts.group, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: HEARTBEAT_MS, rebalanceTimeout: 30_000,
      // A group formed while a topic was still being created assigns none of its partitions,
      // and kafkajs only notices the topic at its next metadata refresh (5 min by default):
      // ingest then stored nothing for 5 minutes on a fresh broker. Refresh every 10 s.
      metadataMaxAge: METADATA_MAX_AGE_MS,
      maxBytesPerPartition: 8 * 1024 * 1024, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
      ...(opts.fetchMinBytes !== undefined ? { minBytes: opts.fetchMinBytes } : {}),
      ...(opts.fetchMaxWaitMs !== undefined ? { maxWaitTimeInMs: opts.fetchMaxWaitMs } : {}),
      ...(opts.fetchMaxBytes !== undefined ? { maxBytes: opts.fetchMaxBytes } : {}),
      // Round robin stays on offer, so a group mid-upgrade (members without co-partitioning) still forms.
      ...(opts.coPartitioned ? { partitionAssigners: [coPartitionedAssigner, PartitionAssigners.roundRobin] } : {}),
  };
}

/**
 * A consumer-group member. Offsets are committed only after eachBatch resolves; when it
 * throws, the consumer seeks back to the first message of the batch and backs off, so
 * the same messages come again (at-least-once, like the in-memory bus).
 */
export async function subscribeKafka(kafka: Kafka, opts: SubscribeOptions, log: Logger, hint?: string): Promise<Subscription> {
  const consumer: Consumer = kafka.consumer(consumerConfig(opts));
  let failures = 0;
  // A refused login fails here, once; after connect kafkajs retries broker trouble itself.
  await consumer.connect().catch((e: unknown) => { throw classifyKafkaError(e, 'connect consumer', hint); });
  const onAssign = opts.onAssign;
  if (onAssign) {
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      onAssign(Object.entries(e.payload.memberAssignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition }))));
    });
  }
  await consumer.subscribe({ topics: [...opts.topics], fromBeginning: true });
  const pacer = new SlicePacer(opts.maxBatchMessages ?? 2000, SESSION_TIMEOUT_MS / 3, HEARTBEAT_MS);
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 1,
    eachBatch: async (p: EachBatchPayload) => {
      const { batch } = p;
      for (let i = 0; i < batch.messages.length && p.isRunning() && !p.isStale();) {
        const slice = batch.messages.slice(i, i + pacer.current);
        i += slice.length;
        const messages: BusMessage[] = slice.map((m) => ({
          topic: batch.topic, partition: batch.partition, offset: Number(m.offset),
          key: m.key?.toString('utf8') ?? '', value: m.value ?? new Uint8Array(0), headers: headersOf(m.headers),
        }));
        // A consumer that buffers (ingest) may wait here for a write: keep the session alive meanwhile.
        const stalled = pacer.watch(() => { p.heartbeat().catch(() => undefined); });
        try {
          await opts.eachBatch({ topic: batch.topic, partition: batch.partition, messages, highWatermark: Number(batch.highWatermark) });
        } catch (e) {
          const first = slice[0]?.offset ?? batch.firstOffset() ?? '0';
          log.warn('batch failed; it will be redelivered', { topic: batch.topic, partition: batch.partition, offset: first, error: String(e) });
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: first });
          await sleep(backoffMs(failures++, 200, 10_000));
          return;
        } finally {
          paced(pacer, slice.length, stalled(), opts.group, log);
        }
        failures = 0;
        const last = slice[slice.length - 1]?.offset ?? '0';
        p.resolveOffset(last);
        const next = Number(last) + 1;
        const commit = Math.min(next, opts.commitBelow?.(batch.topic, batch.partition) ?? next);
        // The payload's commit, not consumer.commitOffsets: that one retries through kafkajs's
        // retrier with the coordinator it cached, so once the group's coordinator moved to
        // another broker (a broker killed and restarted) it failed NOT_COORDINATOR for ever and
        // ingest stopped. This one fails once; the runner then rejoins and finds the new one.
        await p.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(commit) }] }] });
        await p.heartbeat();
      }
    },
  });
  return {
    stop: async () => {
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}

/** Feeds a slice's stall to the pacer; a shrink is logged (WARN: the consumer recovers by it). */
function paced(pacer: SlicePacer, messages: number, stallMs: number, group: string, log: Logger): void {
  const before = pacer.current;
  const after = pacer.observe(messages, stallMs);
  if (after < before) log.warn('consumer blocked its event loop too long; smaller slices', { group, messages, stall_ms: Math.round(stallMs), next_slice: after });
}
