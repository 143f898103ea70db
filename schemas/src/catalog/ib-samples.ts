import { attr, defineTable, gauge, nullable, rate, ts } from './column.ts';

/** One row per InfiniBand port per tick. */
export const ibSamples = defineTable({
  name: 'ib_samples',
  description: 'InfiniBand port rates and errors from /sys/class/infiniband/*/ports/*/counters.',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['host', 'device', 'port', 'ts'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('Tick time.'),
    host: attr('lc', 'Host name.', 'host.name'),
    device: attr('lc', 'HCA name (mlx5_0, ...).', 'hw.name'),
    port: attr('u32', 'Port number.', 'runlens.ib.port'),
    state: attr('lc', 'Port state (ACTIVE, DOWN, ...).'),
    link_rate_gbps: nullable(gauge('Gbit/s', 'Link rate from ports/N/rate.')),
    interval_s: gauge('s', 'Seconds this row\'s rates cover.'),
    rx_bytes_per_s: rate('bytes/s', 'port_rcv_data x 4 per second.', 'hw.network.io{hw.type=network,network.io.direction=receive}'),
    tx_bytes_per_s: rate('bytes/s', 'port_xmit_data x 4 per second.', 'hw.network.io{hw.type=network,network.io.direction=transmit}'),
    rx_packets_per_s: rate('1/s', 'port_rcv_packets per second.'),
    tx_packets_per_s: rate('1/s', 'port_xmit_packets per second.'),
    xmit_wait_per_s: nullable(rate('1/s', 'port_xmit_wait ticks per second (congestion).')),
    errors_per_s: rate('1/s', 'Symbol, receive, discard and integrity errors per second.'),
    link_downed: gauge('count', 'link_downed counter (absolute).'),
  },
});
