import { attr, defineTable, gauge, nullable, ts } from './column.ts';

/** What each block device of a host can do; storage judgements use it, and say "unknown" without it. */
export const deviceProfiles = defineTable({
  name: 'device_profiles',
  description: 'Per block device: sequential read and write bandwidth, measured (direct-IO probe) or declared, or unknown.',
  engine: { kind: 'replacing_merge_tree', version: 'ts' },
  orderBy: ['host', 'device'],
  columns: {
    ts: ts('When the capability was taken (a measurement is cached and re-sent with each profile).'),
    host: attr('lc', 'Host name.', 'host.name'),
    device: attr('lc', 'Block device name (sda, nvme0n1, vda, ...).', 'system.device'),
    model: attr('lc', 'Device model from sysfs, or empty.'),
    size_bytes: gauge('bytes', 'Device size.'),
    rotational: attr('u8', '1 for a spinning disk (queue/rotational).'),
    read_bytes_per_s: nullable(gauge('bytes/s', 'Sequential read bandwidth; null when unknown.')),
    write_bytes_per_s: nullable(gauge('bytes/s', 'Sequential write bandwidth; null when unknown.')),
    source: attr('lc', 'measured | declared | unknown.'),
    detail: attr('str', 'How it was measured (probe, seconds, when) or why it is unknown.'),
  },
});
