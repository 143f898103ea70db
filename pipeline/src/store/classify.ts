import { DataError, RetryableError } from '@runlens/schemas';
import { BAD_DATA_CODES, REASON_RULES, type StoreFailureReason } from './classify-codes.ts';

export type { StoreFailureReason } from './classify-codes.ts';

const STORAGE_FAULTS: ReadonlySet<StoreFailureReason> = new Set(['disk_full', 'read_only', 'permission_denied']);

interface ErrorFacts {
  readonly message: string;
  /** The ClickHouse error code, when one is known. */
  readonly code: number | null;
  /** Node/libc error names (ENOSPC, EACCES, …) found on the error or its causes. */
  readonly errnos: readonly string[];
}

/** Reads what the server client, chDB and Node put on an error, following `cause` a few levels. */
function factsOf(e: unknown): ErrorFacts {
  const messages: string[] = [];
  const errnos: string[] = [];
  let code: number | null = null;
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur !== undefined && cur !== null; depth++) {
    messages.push(cur instanceof Error ? cur.message : String(cur));
    if (typeof cur !== 'object') break;
    // The server client puts the numeric code in `code`; chDB in `clickhouseCode` (its `code` is a name).
    const f = cur as { code?: unknown; clickhouseCode?: unknown; cause?: unknown };
    for (const c of [f.clickhouseCode, f.code]) {
      const s = String(c ?? '');
      if (code === null && /^\d+$/.test(s)) code = Number(s);
      else if (/^E[A-Z]+$/.test(s)) errnos.push(s);
    }
    cur = f.cause;
  }
  const message = messages.join(' <- ');
  const fromText = /Code: (\d+)/.exec(message)?.[1];
  return { message, code: code ?? (fromText === undefined ? null : Number(fromText)), errnos };
}

/**
 * The one place that decides whether a ClickHouse (server or chDB) failure is bad data or
 * retryable. Only the codes in BAD_DATA_CODES are bad data; everything else (a full or
 * read-only disk, a refused permission, an unknown code, a plain Node error) is retried,
 * because dead-lettering is permanent and a store outage is not.
 */
export function classifyClickHouseError(e: unknown, what: string): DataError | RetryableError {
  if (e instanceof DataError || e instanceof RetryableError) return e;
  const facts = factsOf(e);
  // A parse error that carries "No space left on device" is the disk's fault, not the data's.
  if (facts.code !== null && BAD_DATA_CODES.has(facts.code) && !STORAGE_FAULTS.has(storeFailureReason(e))) {
    return new DataError(`clickhouse_${facts.code}`, `${what}: ${facts.message}`);
  }
  return new RetryableError(`clickhouse ${what} (${storeFailureReason(e)}): ${facts.message}`, e);
}

/** Why a retryable store failure happened, for the self-alert (a bounded metric label). */
export function storeFailureReason(e: unknown): StoreFailureReason {
  if (e instanceof RetryableError && e.cause !== undefined) return storeFailureReason(e.cause);
  const facts = factsOf(e);
  for (const rule of REASON_RULES) {
    const byCode = facts.code !== null && rule.codes.includes(facts.code);
    if (byCode || facts.errnos.some((n) => rule.errnos.includes(n)) || rule.text.test(facts.message)) return rule.reason;
  }
  return 'unknown';
}
