/** One kernel log record, whichever source it came from. */
export interface KernelRecord {
  /** kmsg sequence number; the reader's own counter for journal lines. */
  readonly seq: number;
  /** Microseconds since boot (CLOCK_MONOTONIC). */
  readonly usec: number;
  /** Syslog level 0-7 (facility stripped); 6 where the source does not say. */
  readonly level: number;
  /** Message text, first line only, capped at the reader's line limit. */
  readonly text: string;
}

const KMSG = /^(\d{1,10}),(\d{1,20}),(\d{1,20}),[^;]{0,16};/;
const JOURNAL = /^\[\s*(\d{1,12})\.(\d{1,9})\] \S{1,255} kernel: /;

/**
 * A /dev/kmsg record: `PRI,SEQ,USEC,FLAGS;text` then optional ` KEY=value` continuation
 * lines (the dictionary; ignored). Null for anything else; never throws.
 */
export function parseKmsgRecord(raw: string, maxTextChars: number): KernelRecord | null {
  const m = KMSG.exec(raw);
  if (!m) return null;
  const seq = Number(m[2]);
  const usec = Number(m[3]);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(usec)) return null;
  const rest = raw.slice(m[0].length);
  const nl = rest.indexOf('\n');
  const text = (nl < 0 ? rest : rest.slice(0, nl)).slice(0, maxTextChars);
  return { seq, usec, level: Number(m[1]) & 7, text };
}

/** A `journalctl -k -o short-monotonic` line: `[  4221.600988] host kernel: text`. */
export function parseJournalLine(line: string, seq: number, maxTextChars: number): KernelRecord | null {
  const m = JOURNAL.exec(line);
  if (!m) return null;
  const usec = Number(m[1]) * 1e6 + Number((m[2] ?? '0').padEnd(6, '0').slice(0, 6));
  return { seq, usec, level: 6, text: line.slice(m[0].length, m[0].length + maxTextChars) };
}
