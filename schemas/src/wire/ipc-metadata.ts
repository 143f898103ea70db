import { ByteBuffer } from 'flatbuffers';
import { DictionaryBatch } from 'apache-arrow/fb/dictionary-batch';
import { Field } from 'apache-arrow/fb/field';
import { Message } from 'apache-arrow/fb/message';
import { MessageHeader } from 'apache-arrow/fb/message-header';
import { RecordBatch } from 'apache-arrow/fb/record-batch';
import { Schema } from 'apache-arrow/fb/schema';

const MAX_MESSAGES = 1100;
const MAX_FIELD_DEPTH = 6;
const CONTINUATION = -1;

/**
 * Why an Arrow IPC stream's framing or metadata cannot be what it claims, or null. apache-arrow
 * trusts flatbuffer vector lengths: one flipped byte can make it loop 4 billion times over
 * "custom metadata". Every vector must fit in the metadata that holds it (4 bytes per table
 * offset, 16 per FieldNode or Buffer struct), and every body in the bytes that follow.
 */
export function ipcMetadataViolation(bytes: Uint8Array): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: IpcFrame[] = [];
  let pos = 0;
  for (let n = 0; pos < bytes.length; n++) {
    const start = pos;
    if (n > MAX_MESSAGES) return `more than ${MAX_MESSAGES} IPC messages`;
    if (pos + 4 > bytes.length) return 'truncated IPC frame';
    let len = view.getInt32(pos, true);
    pos += 4;
    if (len === CONTINUATION) {
      if (pos + 4 > bytes.length) return 'truncated IPC frame';
      len = view.getInt32(pos, true);
      pos += 4;
    }
    if (len === 0) break;
    if (len < 0 || pos + len > bytes.length) return `IPC metadata length ${len} outside the message`;
    const meta = bytes.subarray(pos, pos + len);
    pos += len;
    const checked = n === 0 ? checkFirst(meta) : checkMessage(meta);
    if (typeof checked === 'string') return checked;
    if (checked.body > bytes.length - pos) return `IPC body length ${checked.body} outside the message`;
    pos += checked.body;
    frames.push({ kind: checked.kind, start, end: pos });
  }
  walked.set(bytes, frames);
  return null;
}

/**
 * Schema metadata that passed checkMessage before, byte for byte. Every message of a sender
 * starts with the same schema message (30-odd fields for process_samples): checking its fields
 * again for each message cost more than the rest of a small message's checks together.
 */
const soundSchemas: Buffer[] = [];
const MAX_SOUND_SCHEMAS = 32;
const SCHEMA_FRAME = { body: 0, kind: 'schema' } as const;

function soundSchema(meta: Uint8Array): boolean {
  const b = Buffer.from(meta.buffer, meta.byteOffset, meta.byteLength);
  return soundSchemas.some((s) => s.length === b.length && s.equals(b));
}

/** A stream's first message: schema metadata seen sound before is not walked again. */
function checkFirst(meta: Uint8Array): ReturnType<typeof checkMessage> {
  if (soundSchema(meta)) return SCHEMA_FRAME;
  const checked = checkMessage(meta);
  if (typeof checked !== 'string' && checked.kind === 'schema') {
    if (soundSchemas.length >= MAX_SOUND_SCHEMAS) soundSchemas.shift();
    soundSchemas.push(Buffer.from(meta));
  }
  return checked;
}

/** The frames of streams ipcMetadataViolation passed, so the checks after it do not parse every message's metadata again. */
const walked = new WeakMap<Uint8Array, IpcFrame[]>();

/** The body length and kind a message's metadata declares, or why the metadata is not sound. */
function checkMessage(meta: Uint8Array): { body: number; kind: IpcFrame['kind'] } | string {
  try {
    const m = Message.getRootAsMessage(new ByteBuffer(meta));
    const fits = (count: number, size: number, what: string): string | null =>
      count >= 0 && count * size <= meta.length ? null : `IPC ${what}: ${count} entries in ${meta.length} bytes of metadata`;
    const why = fits(m.customMetadataLength(), 4, 'message metadata') ?? checkHeader(m, fits);
    const body = Number(m.bodyLength());
    const kind = FRAME_KINDS[m.headerType()];
    if (why || !kind) return why ?? `IPC message of type ${m.headerType()}`;
    return Number.isSafeInteger(body) && body >= 0 ? { body, kind } : `IPC body length ${body}`;
  } catch (e) {
    return `unreadable IPC metadata: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200);
  }
}

type Fits = (count: number, size: number, what: string) => string | null;

function checkHeader(m: Message, fits: Fits): string | null {
  switch (m.headerType()) {
    case MessageHeader.Schema: {
      const s = m.header(new Schema()) as Schema | null;
      if (!s) return 'IPC schema missing';
      const why = fits(s.fieldsLength(), 4, 'fields') ?? fits(s.customMetadataLength(), 4, 'schema metadata') ?? fits(s.featuresLength(), 8, 'features');
      if (why) return why;
      for (let i = 0; i < s.fieldsLength(); i++) {
        const w = checkField(s.fields(i), fits, 0);
        if (w) return w;
      }
      return null;
    }
    case MessageHeader.RecordBatch: return checkBatch(m.header(new RecordBatch()) as RecordBatch | null, fits);
    case MessageHeader.DictionaryBatch: {
      const d = m.header(new DictionaryBatch()) as DictionaryBatch | null;
      return d ? checkBatch(d.data(), fits) : 'IPC dictionary batch missing';
    }
    default: return `IPC message of type ${m.headerType()} is not a schema or a batch`;
  }
}

function checkField(f: Field | null, fits: Fits, depth: number): string | null {
  if (!f) return 'IPC field missing';
  if (depth > MAX_FIELD_DEPTH) return 'IPC fields nested too deep';
  const why = fits(f.childrenLength(), 4, 'field children') ?? fits(f.customMetadataLength(), 4, 'field metadata');
  if (why) return why;
  for (let i = 0; i < f.childrenLength(); i++) {
    const w = checkField(f.children(i), fits, depth + 1);
    if (w) return w;
  }
  return null;
}

function checkBatch(b: RecordBatch | null, fits: Fits): string | null {
  if (!b) return 'IPC record batch missing';
  return fits(b.nodesLength(), 16, 'field nodes') ?? fits(b.buffersLength(), 16, 'buffers') ?? fits(b.variadicBufferCountsLength(), 8, 'variadic counts');
}

/** One IPC message in a stream: its kind and its byte range (frame prefix through body). */
export interface IpcFrame {
  readonly kind: 'schema' | 'record_batch' | 'dictionary_batch';
  readonly start: number;
  readonly end: number;
}

/**
 * The messages of a stream that passed ipcMetadataViolation, up to its end marker (or the end of
 * the bytes), without reading any value; null when a frame is not a schema or a batch. A stream
 * ipcMetadataViolation walked is not parsed again (ingest asks three times per message).
 */
export function ipcFrames(bytes: Uint8Array): IpcFrame[] | null {
  return walked.get(bytes) ?? framesOf(bytes);
}

function framesOf(bytes: Uint8Array): IpcFrame[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: IpcFrame[] = [];
  for (let pos = 0; pos + 4 <= bytes.length;) {
    const start = pos;
    let len = view.getInt32(pos, true);
    pos += 4;
    if (len === CONTINUATION && pos + 4 <= bytes.length) {
      len = view.getInt32(pos, true);
      pos += 4;
    }
    if (len <= 0 || pos + len > bytes.length) return len === 0 ? frames : null;
    const m = Message.getRootAsMessage(new ByteBuffer(bytes.subarray(pos, pos + len)));
    const kind = FRAME_KINDS[m.headerType()];
    if (!kind) return null;
    pos += len + Number(m.bodyLength());
    frames.push({ kind, start, end: pos });
  }
  return frames;
}

const FRAME_KINDS: Partial<Record<MessageHeader, IpcFrame['kind']>> = {
  [MessageHeader.Schema]: 'schema',
  [MessageHeader.RecordBatch]: 'record_batch',
  [MessageHeader.DictionaryBatch]: 'dictionary_batch',
};

/** Where a struct vector of a flatbuffer table starts (its field's vtable slot), or -1 when absent. */
export function vectorAt(bb: ByteBuffer, table: number, slot: number): number {
  const offset = bb.__offset(table, slot);
  return offset ? bb.__vector(table + offset) : -1;
}

/** Where a struct vector of a flatbuffer table starts (`at` -1 when absent), and its length. */
export function vectorOf(bb: ByteBuffer, table: number, slot: number): { at: number; length: number } {
  const offset = bb.__offset(table, slot);
  return offset ? { at: bb.__vector(table + offset), length: bb.__vector_len(table + offset) } : { at: -1, length: 0 };
}

/**
 * An int64 of the metadata as a number, without a BigInt: the same number as Number(bb.readInt64(at))
 * (one rounding of the exact value either way), and no allocation; read per column per message.
 */
export const int64At = (bb: ByteBuffer, at: number): number => bb.readInt32(at + 4) * 2 ** 32 + bb.readUint32(at);
