import type { ColumnBatch, Row } from '@runlens/schemas';

const NUMS = [
  'ts', 'pid', 'rank', 'interval_s', 'cpu_user_cores', 'cpu_sys_cores', 'run_delay_cores', 'rss_bytes', 'threads', 'busy_threads',
  'read_bytes_per_s', 'write_bytes_per_s', 'rchar_per_s', 'wchar_per_s', 'syscr_per_s', 'syscw_per_s', 'invol_ctxsw_per_s',
  'majflt_per_s',
] as const;
const STRS = ['host', 'run_id', 'comm', 'state'] as const;

type NumName = (typeof NUMS)[number];
type StrName = (typeof STRS)[number];

/**
 * The process_samples columns the analyzer reads, one value per row: read straight from a
 * message's Arrow buffers on the stream (no row object per process), built from rows where rows
 * are what there is (the report's replay, tests). A missing number is NaN, a missing string ''.
 */
export type ProcessCols = { readonly n: number } & { readonly [K in NumName]: Float64Array } & { readonly [K in StrName]: readonly string[] };

/** A nullable number: NaN stands for null in ProcessCols. */
export const orElse = (v: number, fallback: number): number => (Number.isNaN(v) ? fallback : v);

/** One record batch of a process_samples message as ProcessCols (a column an older sender lacks reads as missing). */
export function colsOfBatch(b: ColumnBatch): ProcessCols {
  return readCols(b, NUMS, STRS) as ProcessCols;
}

const LOAD_NUMS = ['ts', 'interval_s', 'cpu_user_cores', 'cpu_sys_cores', 'run_delay_cores'] as const;
const LOAD_STRS = ['host', 'run_id'] as const;

/** The columns a run's load per host and tick is summed from (run-load.ts): what the router and the host topic's reader need of a message. */
export type LoadCols = Pick<ProcessCols, 'n' | (typeof LOAD_NUMS)[number] | (typeof LOAD_STRS)[number]>;

/** Only the LoadCols of a batch: the other 14 columns are never read from the buffers. */
export function loadColsOfBatch(b: ColumnBatch): LoadCols {
  return readCols(b, LOAD_NUMS, LOAD_STRS) as LoadCols;
}

function readCols(b: ColumnBatch, nums: readonly NumName[], strs: readonly StrName[]): Record<string, unknown> {
  const out: Record<string, unknown> = { n: b.numRows };
  for (const name of nums) out[name] = b.num(name) ?? new Float64Array(b.numRows).fill(NaN);
  for (const name of strs) {
    const col = b.str(name);
    // The batch's own array where no value is missing (the common case): no copy per column and message.
    out[name] = col?.length !== b.numRows ? new Array<string>(b.numRows).fill('') : col.includes(null) ? col.map((s) => s ?? '') : col;
  }
  return out;
}

/** Rows as ProcessCols. */
export function colsOfRows(rows: readonly Row<'process_samples'>[]): ProcessCols {
  const out: Record<string, unknown> = { n: rows.length };
  for (const name of NUMS) out[name] = Float64Array.from(rows, (r) => r[name] ?? NaN);
  for (const name of STRS) out[name] = rows.map((r) => r[name] ?? '');
  return out as ProcessCols;
}

/** 0, 1, ..., n - 1 (a loop: Array.from's iteration protocol cost more than the rest of a small message's grouping). */
export function allRows(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
