import { silentLogger } from '@runlens/schemas';
import { createHook } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startKafka } from '../../testing/servers.ts';
import { KafkaBus } from './index.ts';

const MESSAGE_BYTES = 64 * 1024;
const MESSAGES = 48;

/**
 * The most bytes one fetch brings (`fetchMaxBytes`, kafkajs `maxBytes`), on a real Kafka 3.9
 * broker. Ingest writes one fetch per insert while it catches up, so this bounds the parts it
 * writes: the limit must reach the broker. A backlog of 3 MiB in 64 KiB record batches (random
 * bytes, which LZ4 cannot shrink) is read with a 256 KiB limit, in batches of a few messages,
 * and without one, in batches of most of the backlog.
 */
describe('Kafka fetch size', () => {
  let kafka: TestServer;
  let bus: KafkaBus;
  const topic = `t_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    kafka = await startKafka();
    bus = new KafkaBus({ brokers: [kafka.url], clientId: 'fetch-bytes', partitions: 1, log: silentLogger });
    await bus.ensureTopics([topic]);
    // One send per message: each is its own record batch, the unit a fetch is cut at.
    const p = bus.producer();
    for (let i = 0; i < MESSAGES; i++) await p.send(topic, [{ key: 'h', value: randomBytes(MESSAGE_BYTES), headers: { table: 'process_samples' } }]);
  }, 120_000);
  afterAll(async () => {
    await bus?.close();
    await kafka?.stop();
  });

  /** The message count of each batch a fresh group is handed, until it has read the whole backlog. */
  const batchSizes = async (fetchMaxBytes?: number): Promise<number[]> => {
    const sizes: number[] = [];
    const sub = await bus.subscribe({
      group: `g_${randomBytes(4).toString('hex')}`, topics: [topic], eachBatch: async (b) => { sizes.push(b.messages.length); },
      ...(fetchMaxBytes !== undefined ? { fetchMaxBytes } : {}),
    });
    for (let i = 0; i < 600 && sizes.reduce((a, n) => a + n, 0) < MESSAGES; i++) await new Promise((r) => setTimeout(r, 100));
    await sub.stop();
    return sizes;
  };

  it('a fetch limited to 256 KiB brings a few messages at a time; unlimited, most of the backlog at once', async () => {
    const limited = await batchSizes(256 * 1024);
    expect(limited.reduce((a, n) => a + n, 0)).toBe(MESSAGES);
    // 256 KiB holds three 64 KiB batches with their overhead; the broker may add the one it began.
    expect(Math.max(...limited)).toBeLessThanOrEqual(5);
    const whole = await batchSizes();
    expect(whole.reduce((a, n) => a + n, 0)).toBe(MESSAGES);
    expect(Math.max(...whole)).toBeGreaterThan(MESSAGES / 2);
  }, 120_000);

  /**
   * kafkajs 2.2.4 re-arms a 1 ms timer per connection forever once it has answered a request
   * (idle-timer.ts): ~1,000 timers a second per connection. Idle here, a consumer and a producer
   * hold several connections; with the fix they arm a few timers a second (heartbeats, fetch waits).
   * Fewer timers is all a busy machine can bring, so this cannot fail from load.
   */
  it('an idle consumer and producer do not wake the event loop every millisecond', async () => {
    const sub = await bus.subscribe({ group: `g_${randomBytes(4).toString('hex')}`, topics: [topic], eachBatch: async () => {} });
    await bus.producer().send(topic, [{ key: 'h', value: randomBytes(16), headers: { table: 'process_samples' } }]);
    await new Promise((r) => setTimeout(r, 3000));
    let timers = 0;
    const hook = createHook({ init: (_id, type) => { if (type === 'Timeout') timers += 1; } }).enable();
    await new Promise((r) => setTimeout(r, 2000));
    hook.disable();
    await sub.stop();
    expect(timers).toBeLessThan(200);
  }, 60_000);
});
