import type { TableName } from '../catalog/index.ts';
import { SCHEMA_VERSION, topicFor } from '../topics.ts';
import { encodeBatch } from './ipc-writer.ts';
import type { TableRows } from './row-columns.ts';

/*
 * The sending half of the wire format, apart from the reading half (message.ts) so that a sender
 * (the node agent) loads neither apache-arrow nor the checks ingest runs.
 */

/** Headers every batch carries. Values are strings on the wire. */
export type BatchHeaders = {
  readonly schema_version: string;
  /** Who sent it: with `seq`, the key ingest deduplicates replays on. */
  readonly agent_id: string;
  /** Per-agent sequence number, counting from 0 at the sender's start. */
  readonly seq: string;
  readonly table: string;
};

/** One message as the bus carries it: a key (host or run id), Arrow IPC bytes and headers. */
export interface WireMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: BatchHeaders;
}

/** Who sent a message and its place in that sender's sequence. */
export interface MessageOrigin {
  readonly agentId: string;
  readonly seq: number;
}

/** The one writer of the wire format: Arrow IPC bytes of one table plus the headers ingest needs. */
export function wireMessage(table: TableName, value: Uint8Array, origin: MessageOrigin, key: string): WireMessage {
  const headers = { schema_version: String(SCHEMA_VERSION), agent_id: origin.agentId, seq: String(origin.seq), table };
  return { topic: topicFor(table), key, value, headers };
}

/** Rows of one table as one message (one Arrow record batch). */
export function encodeMessage<N extends TableName>(table: N, rows: TableRows<N>, origin: MessageOrigin, key: string): WireMessage {
  return wireMessage(table, encodeBatch(table, rows), origin, key);
}

/** A sender's encoder: it holds the sender's sequence number, so a sender keeps one. */
export class MessageEncoder {
  private seq = 0;

  constructor(readonly agentId: string) {}

  encode<N extends TableName>(table: N, rows: TableRows<N>, key: string): WireMessage {
    return encodeMessage(table, rows, { agentId: this.agentId, seq: this.seq++ }, key);
  }
}
