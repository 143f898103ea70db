import { ConfigError, RetryableError, silentLogger } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, makeTestCerts, startSecureKafka, type TestCerts } from '../../testing/index.ts';
import type { BusMessage } from '../types.ts';
import { KafkaBus } from './index.ts';
import type { KafkaSecurity } from './security.ts';

/**
 * One real Kafka 3.9 broker whose only client listener is SASL_SSL (certificates made by
 * openssl here, SCRAM users created at format time). A client must both trust the CA and
 * know a password: with both it produces and consumes; without either it is refused, and
 * the refusal is classified and bounded in time (a hang would fail the test's timeout).
 */
const PASSWORD = randomBytes(12).toString('hex');
const topic = (): string => `t_${randomBytes(4).toString('hex')}`;

describe('Kafka over SASL_SSL', () => {
  let certs: TestCerts;
  let kafka: TestServer;
  const buses: KafkaBus[] = [];
  const bus = (security: KafkaSecurity | undefined, sendTimeoutMs = 2_000): KafkaBus => {
    const b = new KafkaBus({ brokers: [kafka.url], clientId: `sec-${buses.length}`, partitions: 1, log: silentLogger, sendTimeoutMs, ...(security ? { security } : {}) });
    buses.push(b);
    return b;
  };
  const trusted = (): { caPem: string } => ({ caPem: certs.caPem });
  const scram = (password: string, mechanism: 'scram-sha-256' | 'scram-sha-512' = 'scram-sha-512'): KafkaSecurity['sasl'] => ({ mechanism, username: 'runlens', password });

  beforeAll(async () => {
    certs = await makeTestCerts();
    kafka = await startSecureKafka(certs, [{ name: 'runlens', password: PASSWORD }]);
  });
  afterAll(async () => {
    for (const b of buses) await b.close().catch(() => undefined);
    await kafka?.stop();
  });

  /** What `work` throws, and how long it took to throw it. */
  const refusal = async (work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> => {
    const t0 = Date.now();
    const error = await work().then(() => null, (e: unknown) => e);
    return { error, ms: Date.now() - t0 };
  };

  it('with the CA and the SCRAM password, produces and consumes through KafkaBus', async () => {
    const t = topic();
    const b = bus({ tls: trusted(), sasl: scram(PASSWORD, 'scram-sha-256') });
    await b.ensureTopics([t]);
    const got: BusMessage[] = [];
    const sub = await b.subscribe({ group: `g_${t}`, topics: [t], eachBatch: async (batch) => { got.push(...batch.messages); } });
    await b.producer().send(t, [{ key: 'h1', value: new TextEncoder().encode('over tls'), headers: { table: 'node_samples' } }]);
    for (let i = 0; i < 300 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await sub.stop();
    expect(got.map((m) => [m.key, new TextDecoder().decode(m.value), m.headers.table])).toEqual([['h1', 'over tls', 'node_samples']]);
  });

  it('a wrong password is a ConfigError at once, for admin, producer and consumer alike', async () => {
    const b = bus({ tls: trusted(), sasl: scram('not-the-password') });
    for (const work of [() => b.ensureTopics([topic()]), () => b.producer().send(topic(), [{ key: 'k', value: new Uint8Array(1), headers: {} }]),
      () => b.subscribe({ group: 'g_wrong', topics: [topic()], eachBatch: async () => undefined })]) {
      const { error, ms } = await refusal(work);
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toMatch(/refused our credentials.*SCRAM/s);
      expect(String(error)).not.toContain('not-the-password');
      expect(ms).toBeLessThan(30_000);
    }
  });

  it('a client with TLS but no SASL is hung up on: retryable, bounded, and says what to check', async () => {
    const { error, ms } = await refusal(() => bus({ tls: trusted() }).ensureTopics([topic()]));
    expect(error).toBeInstanceOf(RetryableError);
    expect(String(error)).toMatch(/closed the connection; if it requires TLS and SASL/);
    expect(ms).toBeLessThan(60_000);
  });

  it('a PLAINTEXT client (no TLS, no SASL) gets nothing: retryable within its send timeout', async () => {
    const { error, ms } = await refusal(() => bus(undefined).producer().send(topic(), [{ key: 'k', value: new Uint8Array(1), headers: {} }]));
    expect(error).toBeInstanceOf(RetryableError);
    expect(ms).toBeLessThan(60_000);
  });

  it('a client that does not trust the broker certificate refuses it: ConfigError', async () => {
    const other = await makeTestCerts('some-other-ca');
    const { error, ms } = await refusal(() => bus({ tls: { caPem: other.caPem }, sasl: scram(PASSWORD) }).ensureTopics([topic()]));
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/certificate/);
    expect(ms).toBeLessThan(60_000);
  });
});
