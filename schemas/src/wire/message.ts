import { type Row, type TableName, isTableName } from '../catalog/index.ts';
import { type DecodedBatch, batchToRows, schemaMismatch, tryDecodeBatch } from '../arrow.ts';
import { SCHEMA_VERSION, tableOfMessage } from '../topics.ts';
import { boundsViolation } from './bounds.ts';
import { columnRows } from './column-rows.ts';
import { acceptSchema, checkAcceptedIpc } from './ipc-check.ts';
import { type ColumnBatch, readColumns } from './ipc-columns.ts';
import { ipcMetadataViolation } from './ipc-metadata.ts';
import { type StageResult, deadLetter, drop, ok } from './stage.ts';

/** Largest message value accepted, as sent (the bus's own compression is bounded in its adapter). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** What the bus hands a consumer: the fields decodeMessage reads. */
export interface ReceivedMessage {
  readonly topic: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface DecodedMessage {
  readonly table: TableName;
  readonly numRows: number;
  /** The Arrow table, decoded on first use (ingest never uses it; the analyzer does). */
  readonly batch: DecodedBatch;
  /**
   * The record batches as columns read straight from the IPC buffers (ipc-columns.ts), on first
   * use; null where that reader does not apply (then read `batch` or messageRows).
   */
  readonly columns: readonly ColumnBatch[] | null;
  readonly agent_id: string;
  readonly seq: number;
}

/** Columns of `bytes`, read once on first use. */
function lazyColumns(table: TableName, bytes: Uint8Array): () => readonly ColumnBatch[] | null {
  let columns: readonly ColumnBatch[] | null | undefined;
  return () => (columns === undefined ? (columns = readColumns(table, bytes)) : columns);
}

/** A checked message whose Arrow table is only built when someone reads `batch`. */
function lazyDecoded(table: TableName, bytes: Uint8Array, numRows: number, headers: ReceivedMessage['headers']): DecodedMessage {
  let batch: DecodedBatch | null = null;
  const seq = Number(headers.seq ?? -1);
  const columns = lazyColumns(table, bytes);
  return {
    table, numRows, agent_id: (headers.agent_id ?? '').slice(0, 256), seq: Number.isSafeInteger(seq) ? seq : -1,
    get batch(): DecodedBatch {
      batch ??= tryDecodeBatch(bytes);
      if (!batch) throw new Error('checked message no longer decodes');
      return batch;
    },
    get columns() { return columns(); },
  };
}

/**
 * A stream whose schema is new: decoded by apache-arrow and checked against the catalog and its
 * own bounds; a pass remembers the schema, so later streams with it take the metadata-only path.
 */
function fullCheck(table: TableName, bytes: Uint8Array, where = ''): StageResult<DecodedBatch> {
  const batch = tryDecodeBatch(bytes);
  if (!batch) return deadLetter('undecodable_arrow', `${bytes.byteLength} bytes${where}`);
  const mismatch = schemaMismatch(table, batch.table);
  if (mismatch) return deadLetter('schema_mismatch', mismatch.slice(0, 500));
  const bounds = boundsViolation(batch.table);
  if (bounds) return deadLetter('out_of_bounds', bounds.slice(0, 500));
  acceptSchema(table, bytes, batch.table.schema);
  return ok(batch);
}

/**
 * Whether an IPC stream of `table` passes decodeMessage's Arrow checks (framing, catalog schema,
 * bounds). A stream that passes has its schema remembered, so readers of accepted streams
 * (compactBatch) apply to it: the 18.16 store admits the streams insertRows makes this way.
 */
export function admitStream(table: TableName, bytes: Uint8Array): boolean {
  if (ipcMetadataViolation(bytes)) return false;
  const fast = checkAcceptedIpc(table, bytes);
  return fast ? fast.kind === 'ok' : fullCheck(table, bytes).kind === 'ok';
}

/**
 * The one reader of the wire format: size, topic, version, IPC framing, Arrow, catalog schema and bounds,
 * in that order, without materialising a row. Bad data is a result, never a throw.
 */
export function decodeMessage(msg: ReceivedMessage): StageResult<DecodedMessage> {
  if (msg.value.byteLength === 0) return drop('tombstone');
  if (msg.value.byteLength > MAX_MESSAGE_BYTES) return deadLetter('oversized', `${msg.value.byteLength} bytes > ${MAX_MESSAGE_BYTES}`);
  const table = tableOfMessage(msg.topic, msg.headers);
  if (table === null || !isTableName(table)) return deadLetter('unknown_topic', msg.topic.slice(0, 200));
  if (msg.headers.schema_version !== String(SCHEMA_VERSION)) {
    return deadLetter('schema_version', `header ${(msg.headers.schema_version ?? 'missing').slice(0, 40)}, expected ${SCHEMA_VERSION}`);
  }
  const malformed = ipcMetadataViolation(msg.value);
  if (malformed) return deadLetter('undecodable_arrow', malformed);
  // A schema seen before (the common case) is checked from metadata and offsets alone.
  const fast = checkAcceptedIpc(table, msg.value);
  if (fast?.kind === 'out_of_bounds') return deadLetter('out_of_bounds', fast.detail.slice(0, 500));
  if (fast) return fast.numRows === 0 ? drop('empty_batch') : ok(lazyDecoded(table, msg.value, fast.numRows, msg.headers));
  const full = fullCheck(table, msg.value, ` on ${msg.topic}`);
  if (full.kind !== 'ok') return full;
  const batch = full.value;
  if (batch.numRows === 0) return drop('empty_batch');
  const seq = Number(msg.headers.seq ?? -1);
  const columns = lazyColumns(table, msg.value);
  return ok({ table, numRows: batch.numRows, batch, get columns() { return columns(); }, agent_id: (msg.headers.agent_id ?? '').slice(0, 256), seq: Number.isSafeInteger(seq) ? seq : -1 });
}

/**
 * Rows of a decoded message, for consumers that need them (the analyzer): read from its columns
 * where they can be (column-rows.ts), else by apache-arrow. Counts are bounded by decodeMessage;
 * a value apache-arrow cannot represent (a timestamp past 2^53 ms) is bad data.
 */
export function messageRows(m: DecodedMessage): StageResult<Row<TableName>[]> {
  const columns = m.columns;
  const fast = columns ? columnRows(columns) : null;
  if (fast) return ok(fast);
  try {
    return ok(batchToRows(m.table, m.batch.table));
  } catch (e) {
    return deadLetter('unreadable_values', (e instanceof Error ? e.message : String(e)).slice(0, 200));
  }
}

/** Rows of `table` in a received message; none when it is not a readable message of that table. */
export function readRows<N extends TableName>(msg: ReceivedMessage, table: N): Row<N>[] {
  const d = decodeMessage(msg);
  if (d.kind !== 'ok' || d.value.table !== table) return [];
  const rows = messageRows(d.value);
  return rows.kind === 'ok' ? (rows.value as Row<N>[]) : [];
}
