import { ConfigError, RetryableError } from '@runlens/schemas';

/** Node's TLS verification failures, as kafkajs words them ("Connection error: <node message>"). */
const TLS_REFUSED = /certificate|altnames|self[- ]signed/i;
/** Refusals a retry cannot change: the broker named our credentials or our rights as the reason. */
const AUTH_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED', 'UNSUPPORTED_SASL_MECHANISM', 'ILLEGAL_SASL_STATE',
  'TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED',
]);

interface KafkaFacts { readonly names: string[]; readonly types: string[]; readonly messages: string[] }

/** kafkajs nests the real failure in `originalError` (retries exhausted) or `cause`. */
function factsOf(e: unknown): KafkaFacts {
  const facts: KafkaFacts = { names: [], types: [], messages: [] };
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur !== undefined && cur !== null; depth++) {
    facts.messages.push(cur instanceof Error ? cur.message : String(cur));
    if (typeof cur !== 'object') break;
    const f = cur as { name?: unknown; type?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof f.name === 'string') facts.names.push(f.name);
    if (typeof f.type === 'string') facts.types.push(f.type);
    cur = f.originalError ?? f.cause;
  }
  return facts;
}

/**
 * The one classifier for Kafka failures.
 * - ConfigError: the broker refused our credentials (SASL/SCRAM failed, mechanism not
 *   enabled, no ACL) or its certificate failed verification. The same settings get the
 *   same answer every time, so retrying only hides it: an operator must act.
 * - RetryableError: everything else. A broker that closes the connection without a reason
 *   (what a SASL_SSL listener does to a client that sends no TLS or no SASL) looks exactly
 *   like a broker restarting, so it is retried with a bound; `hint` says what to check.
 */
export function classifyKafkaError(e: unknown, what: string, hint?: string): ConfigError | RetryableError {
  if (e instanceof ConfigError || e instanceof RetryableError) return e;
  const f = factsOf(e);
  const msg = `${f.names[0] ?? 'Error'}: ${f.messages[0] ?? ''}`;
  const authRefused = f.names.includes('KafkaJSSASLAuthenticationError') || f.types.some((t) => AUTH_TYPES.has(t));
  const tlsRefused = f.names.includes('KafkaJSConnectionError') && f.messages.some((m) => TLS_REFUSED.test(m));
  if (authRefused) return new ConfigError([`kafka ${what}: the broker refused our credentials (${f.messages.at(-1) ?? msg}); check the Kafka user, password and SASL mechanism`]);
  if (tlsRefused) return new ConfigError([`kafka ${what}: the broker's TLS certificate failed verification (${f.messages.at(-1) ?? msg}); check the CA file and the broker's host name`]);
  const closed = f.names.some((n) => n === 'KafkaJSConnectionClosedError');
  return new RetryableError(`kafka ${what}: ${msg}${closed && hint ? ` (${hint})` : ''}`, e);
}
