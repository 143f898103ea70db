import { ConfigError, type DataError, type RetryableError } from '@runlens/schemas';
import { classifyClickHouseError } from '../classify.ts';

/** UNKNOWN_USER, WRONG_PASSWORD, REQUIRED_PASSWORD, IP_ADDRESS_NOT_ALLOWED, AUTHENTICATION_FAILED. */
const AUTH_CODES = new Set([192, 193, 194, 195, 516]);
/** Node's TLS verification failures (self-signed, unknown issuer, host name mismatch, expiry). */
const TLS_REFUSED = /certificate|altnames|self[- ]signed|SSL routines/i;

function facts(e: unknown): { code: number | null; text: string } {
  const parts: string[] = [];
  let code: number | null = null;
  for (let cur: unknown = e, depth = 0; depth < 4 && cur !== null && cur !== undefined; depth++) {
    parts.push(cur instanceof Error ? cur.message : String(cur));
    if (typeof cur !== 'object') break;
    const f = cur as { code?: unknown; cause?: unknown };
    if (code === null && /^\d+$/.test(String(f.code ?? ''))) code = Number(f.code);
    parts.push(String(f.code ?? ''));
    cur = f.cause;
  }
  const text = parts.join(' ');
  const fromText = /Code: (\d+)/.exec(text)?.[1];
  return { code: code ?? (fromText === undefined ? null : Number(fromText)), text };
}

/**
 * At start-up a refused login or an unverifiable certificate cannot fix itself: a
 * ConfigError stops the role (exit 78) with the reason. Later, the same refusal on an
 * insert stays retryable (classifyClickHouseError): the batch waits for the operator
 * instead of being dead-lettered.
 */
export function classifyConnectError(e: unknown): ConfigError | DataError | RetryableError {
  if (e instanceof ConfigError) return e;
  const f = facts(e);
  if (f.code !== null && AUTH_CODES.has(f.code)) {
    return new ConfigError([`clickhouse connect: the server refused our credentials (code ${f.code}); check the ClickHouse user and password`]);
  }
  if (TLS_REFUSED.test(f.text)) {
    return new ConfigError([`clickhouse connect: TLS failed (${f.text.slice(0, 200)}); check the CA file, the url's scheme and the server's host name`]);
  }
  return classifyClickHouseError(e, 'connect');
}
