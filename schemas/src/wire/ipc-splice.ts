import { ipcFrames } from './ipc-metadata.ts';

/** One message's IPC stream cut at its frames: the schema message and the batch messages after it. */
interface Cut {
  readonly schema: Uint8Array;
  readonly batches: Uint8Array;
}

/** The end-of-stream marker: continuation token, then a zero metadata length. */
const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * A stream that is exactly one schema message followed by record batches (what every sender's
 * encodeBatch writes): its two parts, or null (dictionaries, a second schema, odd padding).
 */
function cut(bytes: Uint8Array): Cut | null {
  const frames = ipcFrames(bytes);
  const [first, ...rest] = frames ?? [];
  if (!first || first.kind !== 'schema' || first.end % 8 !== 0) return null;
  let end = first.end;
  for (const f of rest) {
    if (f.kind !== 'record_batch' || f.start !== end || f.end % 8 !== 0) return null;
    end = f.end;
  }
  return { schema: bytes.subarray(0, first.end), batches: bytes.subarray(first.end, end) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Several validated IPC streams of one table as few streams, byte for byte: per distinct schema
 * message, that schema, every stream's record batch messages, one end marker. No value is decoded
 * or re-encoded; this is what lets ingest hand chDB (or a server that reads Arrow) a buffer of many
 * messages as one INSERT. Streams from senders with another schema (an older agent) get a stream
 * of their own; a stream that cannot be cut (dictionaries) is passed on as it is.
 */
export function spliceStreams(streams: readonly Uint8Array[]): Uint8Array[] {
  if (streams.length <= 1) return [...streams];
  return spliceParts(streams).map(join);
}

/**
 * spliceStreams without the copy: each stream as the pieces that, written one after the other,
 * are that stream (subarrays of the inputs). A store that writes to a file or a socket passes
 * them on as they are (writev), so many messages cost no joined buffer.
 */
export function spliceParts(streams: readonly Uint8Array[]): Uint8Array[][] {
  if (streams.length <= 1) return streams.map((s) => [s]);
  const whole: Uint8Array[][] = [];
  const bySchema: Uint8Array[][] = [];
  for (const bytes of streams) {
    const c = cut(bytes);
    if (!c) { whole.push([bytes]); continue; }
    const same = bySchema.find((g) => g[0] !== undefined && sameBytes(g[0], c.schema));
    if (same) same.push(c.batches);
    else bySchema.push([c.schema, c.batches]);
  }
  for (const g of bySchema) g.push(EOS);
  return [...bySchema, ...whole];
}

function join(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1 && pieces[0]) return pieces[0];
  const out = new Uint8Array(pieces.reduce((n, b) => n + b.byteLength, 0));
  let pos = 0;
  for (const b of pieces) {
    out.set(b, pos);
    pos += b.byteLength;
  }
  return out;
}
