import { DiskSpool } from '@runlens/collector/exporters/disk-spool';
import { type Row, type TableName, decodeMessage, messageRows } from '@runlens/schemas';
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './cli-harness.ts';

/** What an agent's disk spool holds at one moment: batch files and their rows by table. */
export interface SpoolSnapshot {
  readonly batches: number;
  readonly rows: ReadonlyMap<TableName, readonly Row<TableName>[]>;
}

/** Batch files in a spool now (what a test polls before killing a spooling agent). */
export function spooledBatches(dir: string): number {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.batch')).length;
  } catch {
    return 0;
  }
}

/**
 * Decodes a spool with the agent's own spool reader and the one wire reader, from a copy:
 * the spool itself is left for the agent's next start to replay.
 */
export function readSpool(dir: string): SpoolSnapshot {
  const copy = join(tempDir('runlens-spool-copy-'), 'spool');
  cpSync(dir, copy, { recursive: true });
  const spool = new DiskSpool(copy, Number.MAX_SAFE_INTEGER);
  const rows = new Map<TableName, Row<TableName>[]>();
  let batches = 0;
  for (let b = spool.peek(); b; b = spool.peek()) {
    batches++;
    for (const m of b.messages) {
      const d = decodeMessage({ topic: b.topic, value: m.value, headers: m.headers });
      if (d.kind !== 'ok') throw new Error(`spooled message unreadable: ${JSON.stringify(d)}`);
      const r = messageRows(d.value);
      if (r.kind !== 'ok') throw new Error(`spooled rows unreadable: ${JSON.stringify(r)}`);
      rows.set(d.value.table, [...(rows.get(d.value.table) ?? []), ...r.value]);
    }
    spool.remove(b.file);
  }
  return { batches, rows };
}
