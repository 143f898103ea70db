import { attr, defineTable, gauge, nullable, rate, ts } from './column.ts';

/** One row per block or network device per tick. */
export const deviceSamples = defineTable({
  name: 'device_samples',
  description: 'Per-device disk (/proc/diskstats) and network (/proc/net/dev) rates.',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'device_kind', 'device', 'ts'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('Tick time.'),
    host: attr('lc', 'Host name.', 'host.name'),
    device_kind: attr('lc', 'disk | net.'),
    device: attr('lc', 'Device name (sda, nvme0n1, eth0, ...).', 'system.device'),
    interval_s: gauge('s', 'Seconds this row\'s rates cover.'),
    read_bytes_per_s: rate('bytes/s', 'Disk bytes read, or network bytes received.'),
    write_bytes_per_s: rate('bytes/s', 'Disk bytes written, or network bytes sent.'),
    read_ops_per_s: rate('ops/s', 'Disk reads completed, or packets received.'),
    write_ops_per_s: rate('ops/s', 'Disk writes completed, or packets sent.'),
    busy_ratio: nullable(rate('ratio', 'Disk: share of time with IO in flight (io_ticks); null for net.')),
    errors_per_s: nullable(rate('1/s', 'Net: receive + transmit errors and drops; null for disk.')),
  },
});
