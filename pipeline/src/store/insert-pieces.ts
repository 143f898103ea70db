import { type CompactScratch, type TableName, compactStreams, spliceParts } from '@runlens/schemas';

/** One stream to insert, as the pieces to write one after the other. */
export interface InsertStream {
  readonly pieces: Uint8Array[];
  /** Whether the stream has exactly the catalog's schema (a compacted one), so the reader needs no inference. */
  readonly catalogSchema: boolean;
}

/**
 * Arrow IPC streams of one table, as the streams a store inserts. Accepted streams become one
 * stream with one record batch (compactStreams): the engine converts each record batch on its
 * own, and that cost per batch outweighs a small message's rows. Others are spliced byte for
 * byte (one stream per distinct schema). With `scratch`, a compacted stream's body lies in its
 * buffer: write it out before the next call with the same scratch.
 */
export function insertPieces(table: TableName, streams: readonly Uint8Array[], scratch?: CompactScratch): InsertStream[] {
  const compact = streams.length > 1 ? compactStreams(table, streams, scratch) : null;
  return compact ? [{ pieces: compact, catalogSchema: true }] : spliceParts(streams).map((pieces) => ({ pieces, catalogSchema: false }));
}
