import { DataError, RetryableError } from '@runlens/schemas';
import type { Alert } from './alert.ts';

/** Where alerts are delivered: Alertmanager's v2 API, or a signed webhook. */
export interface AlertSink {
  readonly name: 'alertmanager' | 'webhook';
  /** Delivers a batch; throws RetryableError when a later try may succeed, DataError when none will. */
  post(alerts: readonly Alert[]): Promise<void>;
}

const TIMEOUT_MS = 5000;

/**
 * One HTTP POST of a JSON body, classified: 2xx delivered; 408, 429 and 5xx, a refused
 * connection or a timeout are retryable; any other status means the receiver will never take
 * this body. The response body is never read beyond its first 512 bytes (for the error message).
 */
export async function postJson(url: string, body: string, headers: Readonly<Record<string, string>> = {}): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (e) {
    throw new RetryableError(`POST ${url}: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  if (res.ok) {
    await res.body?.cancel(undefined);
    return;
  }
  const text = (await res.text().catch(() => '')).slice(0, 512);
  const message = `POST ${url}: HTTP ${res.status} ${text}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) throw new RetryableError(message);
  throw new DataError('receiver_refused', message);
}

/** Prometheus Alertmanager, v2 API: the receiver groups, de-duplicates, silences and routes. */
export function alertmanagerSink(baseUrl: string): AlertSink {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v2/alerts`;
  return { name: 'alertmanager', post: (alerts) => postJson(url, JSON.stringify(alerts)) };
}
