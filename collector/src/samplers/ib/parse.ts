/** Pure parsers for /sys/class/infiniband port files. They never throw. */

/** `200 Gb/sec (4X HDR)` → 200; `2.5 Gb/sec (1X SDR)` → 2.5. */
export function parseRate(text: string | null): number | null {
  const m = text === null ? null : /^\s*(\d+(?:\.\d+)?)\s*Gb\/sec/.exec(text);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** `4: ACTIVE` → ACTIVE; an unreadable state is UNKNOWN (the column is not nullable). */
export function parseState(text: string | null): string {
  const m = text === null ? null : /^\s*\d+:\s*([A-Z_]+)\s*$/.exec(text);
  return m?.[1] ?? 'UNKNOWN';
}

/** A counter file: one unsigned decimal. */
export function parseCounter(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

export const ERROR_COUNTERS = [
  'symbol_error', 'port_rcv_errors', 'port_rcv_remote_physical_errors', 'port_xmit_discards',
  'local_link_integrity_errors', 'excessive_buffer_overrun_errors',
] as const;

export const DATA_COUNTERS = ['port_rcv_data', 'port_xmit_data', 'port_rcv_packets', 'port_xmit_packets'] as const;

/** Counters of one port as read; null where the file is missing or garbled. */
export interface PortCounters {
  readonly data: readonly (number | null)[];
  readonly xmit_wait: number | null;
  /** Sum of ERROR_COUNTERS present; null when none could be read. */
  readonly errors: number | null;
  readonly link_downed: number | null;
}

export function collectCounters(read: (name: string) => string | null): PortCounters {
  const errs = ERROR_COUNTERS.map((n) => parseCounter(read(n))).filter((x): x is number => x !== null);
  return {
    data: DATA_COUNTERS.map((n) => parseCounter(read(n))),
    xmit_wait: parseCounter(read('port_xmit_wait')),
    errors: errs.length === 0 ? null : errs.reduce((a, b) => a + b, 0),
    link_downed: parseCounter(read('link_downed')),
  };
}
