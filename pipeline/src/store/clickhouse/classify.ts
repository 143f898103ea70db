import { DataError, RetryableError } from '@runlens/schemas';

/** Server error codes worth retrying: overload, limits, timeouts, a table a migration will create. */
const RETRYABLE_CODES = new Set(['60', '159', '164', '202', '209', '210', '241', '242', '252', '319', '425', '999']);
const NETWORK = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|Timeout|ENOTFOUND|EHOSTUNREACH|other side closed/i;

/** The one place that decides whether a ClickHouse failure is retryable or bad data. */
export function classifyClickHouseError(e: unknown, what: string): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const own = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const code = own || (/Code: (\d+)/.exec(msg)?.[1] ?? '');
  if (NETWORK.test(msg) || NETWORK.test(code) || RETRYABLE_CODES.has(code)) return new RetryableError(`clickhouse ${what}: ${msg}`, e);
  return new DataError(`clickhouse_${code || 'error'}`, `${what}: ${msg}`);
}
