import { type DecodedMessage, type StageResult, decodeMessage } from '@runlens/schemas';
import type { BusMessage } from '../bus/types.ts';

/** A message that passed decodeMessage, with where it came from (for dead letters and offsets). */
export interface ValidBatch extends DecodedMessage {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly msg: BusMessage;
}

/** Bytes → a batch that matches the catalog and its own bounds, or the reason it does not. */
export function decode(msg: BusMessage): StageResult<ValidBatch> {
  const r = decodeMessage(msg);
  // Object.assign keeps the lazy `batch` getter unread (a spread would decode the Arrow table).
  return r.kind === 'ok' ? { kind: 'ok', value: Object.assign(r.value, { bytes: msg.value, offset: msg.offset, msg }) } : r;
}
