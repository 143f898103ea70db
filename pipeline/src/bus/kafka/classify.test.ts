import { ConfigError, RetryableError } from '@runlens/schemas';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkaError } from './classify.ts';

/** kafkajs' own error classes, nested the way its retrier nests them (messages as seen from a real 3.9 broker). */
const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;
/** The runtime exports these two, but kafkajs' type declarations omit one and give the other no message. */
const untyped = kafkajs as unknown as Record<string, new (message: string) => Error>;
const KafkaJSConnectionClosedError = untyped.KafkaJSConnectionClosedError!;
const KafkaJSSASLAuthenticationError = untyped.KafkaJSSASLAuthenticationError!;
const HINT = 'configure TLS and SASL';

describe('classifyKafkaError', () => {
  it('a refused SCRAM login is a ConfigError that names the broker reason', () => {
    const e = classifyKafkaError(new KafkaJSSASLAuthenticationError('SASL SCRAM SHA256 authentication failed: Authentication failed during authentication due to invalid credentials'), 'send', HINT);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/kafka send: the broker refused our credentials.*invalid credentials/s);
  });

  it('an ACL refusal (a protocol error type) is a ConfigError', () => {
    const acl = Object.assign(new KafkaJSProtocolError('Not authorized to access topics: [Topic authorization failed]'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(classifyKafkaError(acl, 'send')).toBeInstanceOf(ConfigError);
  });

  it('an unverifiable broker certificate, even after retries, is a ConfigError', () => {
    const tls = new KafkaJSConnectionError('Connection error: unable to verify the first certificate');
    const e = classifyKafkaError(new KafkaJSNumberOfRetriesExceeded(tls, { retryCount: 5, retryTime: 3000 }), 'create topics');
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain('unable to verify the first certificate');
  });

  it('a hang-up is retryable and carries the caller\'s hint (given only when the client has no SASL)', () => {
    const closed = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionClosedError('Closed connection'), { retryCount: 5, retryTime: 3000 });
    const e = classifyKafkaError(closed, 'send', HINT);
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).toContain(`(${HINT})`);
    expect(classifyKafkaError(closed, 'send').message).not.toContain(HINT);
  });

  it('a refused TCP connection stays retryable and gets no hint', () => {
    const e = classifyKafkaError(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), 'send', HINT);
    expect(e).toBeInstanceOf(RetryableError);
    expect(e.message).not.toContain(HINT);
  });
});
