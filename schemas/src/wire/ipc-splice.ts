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
  const whole: Uint8Array[] = [];
  const bySchema: { schema: Uint8Array; batches: Uint8Array[] }[] = [];
  for (const bytes of streams) {
    const c = cut(bytes);
    if (!c) { whole.push(bytes); continue; }
    const same = bySchema.find((g) => sameBytes(g.schema, c.schema));
    if (same) same.batches.push(c.batches);
    else bySchema.push({ schema: c.schema, batches: [c.batches] });
  }
  return [...bySchema.map((g) => join(g.schema, g.batches)), ...whole];
}

function join(schema: Uint8Array, batches: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(schema.byteLength + batches.reduce((n, b) => n + b.byteLength, 0) + EOS.byteLength);
  out.set(schema, 0);
  let pos = schema.byteLength;
  for (const b of batches) {
    out.set(b, pos);
    pos += b.byteLength;
  }
  out.set(EOS, pos);
  return out;
}
