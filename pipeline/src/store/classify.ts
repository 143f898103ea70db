import { DataError, RetryableError } from '@runlens/schemas';

/** Server error codes worth retrying: overload, limits, timeouts, a table a migration will create. */
const RETRYABLE_CODES = new Set(['60', '159', '164', '202', '209', '210', '241', '242', '252', '319', '425', '999']);
const NETWORK = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket hang up|Timeout|ENOTFOUND|EHOSTUNREACH|other side closed/i;

/** The one place that decides whether a ClickHouse (server or chDB) failure is retryable or bad data. */
export function classifyClickHouseError(e: unknown, what: string): Error {
  const msg = e instanceof Error ? e.message : String(e);
  // The server client puts the numeric code in `code`; chDB in `clickhouseCode` (its `code` is a name).
  const fields = typeof e === 'object' && e !== null ? (e as { code?: unknown; clickhouseCode?: unknown }) : {};
  const numeric = [fields.clickhouseCode, fields.code].map((c) => String(c ?? '')).find((c) => /^\d+$/.test(c));
  const code = numeric ?? (/Code: (\d+)/.exec(msg)?.[1] ?? String(fields.code ?? ''));
  if (NETWORK.test(msg) || NETWORK.test(code) || RETRYABLE_CODES.has(code)) return new RetryableError(`clickhouse ${what}: ${msg}`, e);
  return new DataError(`clickhouse_${code || 'error'}`, `${what}: ${msg}`);
}
