import type { Row } from '@runlens/schemas';
import { z } from 'zod';
import { defineSampler } from '../../sampler.ts';
import type { HostContext, RowsByTable } from '../../sampler.ts';
import { JournalReader } from './journal-reader.ts';
import { KmsgReader } from './kmsg-reader.ts';
import type { KmsgBatch } from './kmsg-reader.ts';
import { KernelEventParser } from './parser.ts';

const config = z.object({
  kmsg_path: z.string().default('/dev/kmsg'),
  journalctl: z.string().default('journalctl'),
  /** Records read per tick; the rest stay in the kernel ring buffer until the next tick. */
  max_records_per_tick: z.number().int().min(1).max(100_000).default(2_000),
  /** Message text kept per record (raw column and parsing). */
  max_line_chars: z.number().int().min(64).max(8_192).default(1_024),
}).strict();
type Config = z.infer<typeof config>;

interface Source {
  readonly name: 'kmsg' | 'journal';
  read(maxRecords: number): KmsgBatch;
  close(): void;
}

/** kmsg and journal stamps are CLOCK_MONOTONIC; Node's hrtime is the same clock. */
function bootTimeMs(): number {
  return Date.now() - Number(process.hrtime.bigint() / 1_000_000n);
}

function openSource(c: Config): Source | { absent: string } {
  const kmsg = KmsgReader.open(c.kmsg_path);
  if (kmsg instanceof KmsgReader) return { name: 'kmsg', read: (n) => kmsg.read(n, c.max_line_chars), close: () => kmsg.close() };
  const journal = JournalReader.start(c.journalctl, c.max_records_per_tick * 4, c.max_line_chars);
  if (journal) return { name: 'journal', read: (n) => journal.read(n), close: () => journal.close() };
  const why = kmsg.error === 'EACCES' || kmsg.error === 'EPERM' ? ' (needs CAP_SYSLOG while kernel.dmesg_restrict=1)' : '';
  return { absent: `kernel_events: ${c.kmsg_path} not readable: ${kmsg.error}${why}, and ${c.journalctl} does not run` };
}

export const kernelEventsSampler = defineSampler({
  id: 'kernel_events',
  description: 'Kernel and driver events (OOM kills, hung tasks, lockups, segfaults, MCE/EDAC, NVIDIA XID, link and NFS/Lustre) from /dev/kmsg or journalctl -k.',
  config,
  create(c, host: HostContext) {
    const source = openSource(c);
    if ('absent' in source) return source;
    const parser = new KernelEventParser(host.host, bootTimeMs(), c.max_line_chars);
    if (source.name === 'journal') host.log.warn('kernel_events reads journalctl -k: /dev/kmsg is not readable', { kmsg_path: c.kmsg_path });
    return {
      sample(): RowsByTable {
        const batch = source.read(c.max_records_per_tick);
        if (batch.lost > 0) host.log.warn('kernel log records lost before they were read', { source: source.name, lost: batch.lost });
        const rows: Row<'node_events'>[] = [];
        for (const rec of batch.records) {
          const row = parser.push(rec);
          if (row) rows.push(row);
        }
        return { node_events: rows };
      },
      close() { source.close(); },
    };
  },
});
