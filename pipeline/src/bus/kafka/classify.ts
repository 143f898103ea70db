import { RetryableError } from '@runlens/schemas';

/**
 * The one classifier for Kafka failures. Broker and network trouble is retryable; kafkajs
 * marks what it considers retriable, and a send that exhausted its retries is still a
 * broker outage from our point of view (the spool takes over).
 */
export function classifyKafkaError(e: unknown, what: string): RetryableError {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new RetryableError(`kafka ${what}: ${msg}`, e);
}
