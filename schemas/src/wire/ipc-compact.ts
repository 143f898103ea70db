import type { TableName } from '../catalog/index.ts';
import { Body, type Source, sourcesOf, writeColumns } from './ipc-body.ts';
import type { IpcBatch, IpcRange, IpcSlot } from './ipc-columns.ts';
import { layoutOf } from './ipc-messages.ts';
import { catalogStream } from './ipc-writer.ts';

/**
 * A body buffer kept from one compaction to the next. A flush of 100 k rows compacts ~20 MB:
 * a fresh buffer each time costs page faults and, as external memory, drives V8's full
 * collections (with the bus's inflated batches, one mark-compact per ~64 MB). The pieces that
 * compactStreams returns point into it, so the caller must be done with them (a synchronous
 * write) before it compacts again with the same scratch.
 */
export class CompactScratch {
  bytes: Buffer | null = null;

  /** Keeps `bytes` for the next compaction unless it is larger than `maxBytes`. */
  constructor(readonly maxBytes = 64 * 1024 * 1024) {}

  keep(bytes: Buffer): void {
    if (bytes.length <= this.maxBytes) this.bytes = bytes;
  }
}

/**
 * Several accepted IPC streams of one table (many small record batches) as one stream of the
 * catalog's schema with a single record batch, written column by column from their buffers:
 * numbers and string bytes are copied, offsets rebased, validity bits joined; no value is
 * decoded, and the metadata is read in place (no object per message and column). The engine
 * then converts one batch instead of one per message: its cost per record batch is about
 * 100 µs, more than a 20-row message's rows (benchmarks/ingest/engine-probe.ts). Returns the
 * pieces of that stream (ipc-writer's catalogStream); null when a stream was not accepted (see
 * acceptedLayout): the caller then splices (ipc-splice.ts). With `scratch`, the body is written
 * into its kept buffer (see CompactScratch for the caller's part).
 */
export function compactStreams(table: TableName, streams: readonly Uint8Array[], scratch?: CompactScratch): Uint8Array[] | null {
  const joined = joinBodies(table, streams, scratch);
  return joined && catalogStream(table, joined.rows, joined.out);
}

/**
 * The same join as compactStreams, read in place: one record batch of every catalog column, its
 * body in `bytes` (from offset 0) and its columns' ranges. For writers that copy bytes into
 * another format (the 18.16 store's Native block): each then visits one batch per column, not one
 * per message (a 10-row message's columns cost more to find than to copy). Null when a stream was
 * not accepted (as compactStreams). With `scratch`, `bytes` is its kept buffer: the caller is done
 * with it before it joins again.
 */
export function compactBatch(table: TableName, streams: readonly Uint8Array[], scratch?: CompactScratch): (IpcBatch & { readonly bytes: Buffer }) | null {
  const joined = joinBodies(table, streams, scratch);
  if (!joined) return null;
  const { out, rows } = joined;
  const range = (b: number): IpcRange => ({ offset: out.buffers[2 * b] ?? 0, length: out.buffers[2 * b + 1] ?? 0 });
  const slots = new Map<string, IpcSlot>();
  let node = 0;
  let buffer = 0;
  for (const c of layoutOf(table).columns) {
    const count = c.type === 'str_list' ? 4 : c.type === 'str' || c.type === 'lc' ? 2 : 1;
    const buffers = Array.from({ length: count }, (_, k) => range(buffer + 1 + k));
    const childNulls = c.type === 'str_list' ? out.nodes[2 * node + 3] ?? 0 : 0;
    slots.set(c.name, { type: c.type, nulls: out.nodes[2 * node + 1] ?? 0, validity: range(buffer), buffers, childNulls });
    node += c.type === 'str_list' ? 2 : 1;
    buffer += count + 1;
  }
  return { bytes: out.bytes, body: 0, numRows: rows, slots };
}

/** Every accepted stream's record batches written as one body (see compactStreams). */
function joinBodies(table: TableName, streams: readonly Uint8Array[], scratch?: CompactScratch): { out: Body; rows: number } | null {
  const sources: Source[] = [];
  let size = 4096;
  for (const s of streams) {
    if (!sourcesOf(table, s, sources)) return null;
    size += s.byteLength;
  }
  const out = new Body(size, scratch);
  writeColumns(table, sources, out);
  scratch?.keep(out.bytes);
  return { out, rows: sources.reduce((n, s) => n + s.numRows, 0) };
}
