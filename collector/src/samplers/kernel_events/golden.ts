import { readFileSync } from 'node:fs';
import type { Row } from '@runlens/schemas';
import { KernelEventParser } from './parser.ts';
import { parseJournalLine, parseKmsgRecord } from './record.ts';

/** Boot time the golden files are replayed with: expected `ts` = this + usec / 1000. */
export const GOLDEN_BOOT_MS = 1_795_000_000_000;

/** Splits a saved kmsg capture into records: a line starting with a space continues the previous one. */
export function kmsgRecords(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(' ') && out.length > 0) out[out.length - 1] += `\n${line}`;
    else if (line !== '') out.push(line);
  }
  return out;
}

/** Replays a capture file (`.kmsg` records or journal `.txt` lines) through a fresh parser. */
export function replayGolden(path: string, host = 'node07'): Row<'node_events'>[] {
  const text = readFileSync(path, 'utf8');
  const parser = new KernelEventParser(host, GOLDEN_BOOT_MS);
  const records = path.endsWith('.kmsg')
    ? kmsgRecords(text).map((r) => parseKmsgRecord(r, 1024))
    : text.split('\n').map((l, i) => parseJournalLine(l, i + 1, 1024));
  return records.flatMap((r) => (r ? [parser.push(r)] : [])).filter((r): r is Row<'node_events'> => r !== null);
}
