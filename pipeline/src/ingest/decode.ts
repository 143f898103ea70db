import { type DecodedBatch, type TableName, SCHEMA_VERSION, isTableName, schemaMismatch, tableOfTopic, tryDecodeBatch } from '@runlens/schemas';
import type { BusMessage } from '../bus/types.ts';
import { type Stage, deadLetter, drop, ok } from './stage.ts';

export interface ValidBatch {
  readonly table: TableName;
  readonly batch: DecodedBatch;
  readonly bytes: Uint8Array;
  readonly agent_id: string;
  readonly seq: number;
  readonly offset: number;
  readonly msg: BusMessage;
}

export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Bytes → a batch that matches the catalog, or the reason it does not. */
export const decode: Stage<BusMessage, ValidBatch> = (msg) => {
  if (msg.value.byteLength === 0) return drop('tombstone');
  if (msg.value.byteLength > MAX_MESSAGE_BYTES) return deadLetter('oversized', `${msg.value.byteLength} bytes > ${MAX_MESSAGE_BYTES}`);
  const table = tableOfTopic(msg.topic);
  if (table === null || !isTableName(table)) return deadLetter('unknown_topic', msg.topic);
  if (msg.headers.schema_version !== String(SCHEMA_VERSION)) {
    return deadLetter('schema_version', `header ${msg.headers.schema_version ?? 'missing'}, expected ${SCHEMA_VERSION}`);
  }
  const batch = tryDecodeBatch(msg.value);
  if (!batch) return deadLetter('undecodable_arrow', `${msg.topic}/${msg.partition}@${msg.offset}`);
  const mismatch = schemaMismatch(table, batch.table);
  if (mismatch) return deadLetter('schema_mismatch', mismatch);
  if (batch.numRows === 0) return drop('empty_batch');
  return ok({ table, batch, bytes: msg.value, agent_id: msg.headers.agent_id ?? '', seq: Number(msg.headers.seq ?? -1), offset: msg.offset, msg });
};
