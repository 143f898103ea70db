import { type Data, RecordBatch, type Schema, type Struct, Table, tableToIPC } from 'apache-arrow';
import { Buffer as FbBuffer } from 'apache-arrow/fb/buffer';
import { FieldNode } from 'apache-arrow/fb/field-node';
import { Message } from 'apache-arrow/fb/message';
import { MessageHeader } from 'apache-arrow/fb/message-header';
import { MetadataVersion } from 'apache-arrow/fb/metadata-version';
import { RecordBatch as FbRecordBatch } from 'apache-arrow/fb/record-batch';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';
import { Builder } from 'flatbuffers';
import type { TableName } from '../catalog/index.ts';
import { ipcFrames } from './ipc-metadata.ts';

/** The end-of-stream marker: continuation token, then a zero metadata length. */
const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
const pad8 = (n: number): number => (n + 7) & ~7;

/** Each table's schema message as apache-arrow writes it, written once per process: a table's schema never changes at run time. */
const schemaFrames = new Map<TableName, Uint8Array>();

function schemaFrame(table: TableName, schema: Schema): Uint8Array {
  let frame = schemaFrames.get(table);
  if (frame) return frame;
  const empty = tableToIPC(new Table(schema), 'stream');
  const head = ipcFrames(empty)?.[0];
  if (head?.kind !== 'schema') throw new Error(`apache-arrow wrote no schema for ${table}`);
  schemaFrames.set(table, (frame = empty.slice(0, head.end)));
  return frame;
}

/** What apache-arrow's VectorAssembler gives: field nodes, buffer regions (padded to 8), the buffers, the body's length. */
interface Assembled {
  readonly nodes: readonly { readonly length: number; readonly nullCount: number }[];
  readonly bufferRegions: readonly { readonly offset: number; readonly length: number }[];
  readonly buffers: readonly ArrayBufferView[];
  readonly byteLength: number;
}

/** The record batch message's flatbuffer, built in the order apache-arrow builds it, so the bytes are the ones it writes. */
function batchMetadata(rows: number, a: Assembled): Uint8Array {
  const b = new Builder(1024);
  FbRecordBatch.startNodesVector(b, a.nodes.length);
  for (let i = a.nodes.length - 1; i >= 0; i--) FieldNode.createFieldNode(b, BigInt(a.nodes[i]?.length ?? 0), BigInt(a.nodes[i]?.nullCount ?? 0));
  const nodes = b.endVector();
  FbRecordBatch.startBuffersVector(b, a.bufferRegions.length);
  for (let i = a.bufferRegions.length - 1; i >= 0; i--) FbBuffer.createBuffer(b, BigInt(a.bufferRegions[i]?.offset ?? 0), BigInt(a.bufferRegions[i]?.length ?? 0));
  const buffers = b.endVector();
  FbRecordBatch.startRecordBatch(b);
  FbRecordBatch.addLength(b, BigInt(rows));
  FbRecordBatch.addNodes(b, nodes);
  FbRecordBatch.addBuffers(b, buffers);
  const rb = FbRecordBatch.endRecordBatch(b);
  Message.startMessage(b);
  Message.addVersion(b, MetadataVersion.V5);
  Message.addHeader(b, rb);
  Message.addHeaderType(b, MessageHeader.RecordBatch);
  Message.addBodyLength(b, BigInt(a.byteLength));
  Message.finishMessageBuffer(b, Message.endMessage(b));
  return b.asUint8Array();
}

/**
 * One record batch of `table` as an IPC stream, byte for byte what apache-arrow's stream writer
 * gives: the table's schema message (encoded once per process, not once per message), the batch's
 * message and body (laid out by apache-arrow's own assembler), the end marker. Without the
 * writer's per-message schema encoding and byte queue: every sender encodes a batch per table
 * per tick, and the analyzer's router one per host per bus batch.
 */
export function ipcStream(table: TableName, schema: Schema, data: Data<Struct>): Uint8Array {
  const head = schemaFrame(table, schema);
  // Its static assemble() wants Vectors or a RecordBatch; the instance visits Data as they are.
  const assembler = new (VectorAssembler as unknown as new () => VectorAssembler)();
  assembler.visitMany(data.children);
  const a = assembler as unknown as Assembled;
  const meta = batchMetadata(data.length, a);
  const metaLength = pad8(meta.byteLength + 8) - 8;
  const out = new Uint8Array(head.byteLength + 8 + metaLength + a.byteLength + EOS.byteLength);
  out.set(head, 0);
  const view = new DataView(out.buffer);
  let at = head.byteLength;
  view.setInt32(at, -1, true);
  view.setInt32(at + 4, metaLength, true);
  out.set(meta, at + 8);
  at += 8 + metaLength;
  for (const buf of a.buffers) {
    if (buf.byteLength === 0) continue;
    out.set(buf instanceof Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), at);
    at += pad8(buf.byteLength);
  }
  out.set(EOS, at);
  return out;
}

/** For tests: the same batch as apache-arrow's own writer gives it. */
export function arrowIpcStream(schema: Schema, data: Data<Struct>): Uint8Array {
  return tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream');
}
