import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '@runlens/schemas';
import { z } from 'zod';
import { RateTracker } from '../../lib/counter.ts';
import { readText } from '../../lib/proc-files.ts';
import { defineSampler } from '../../sampler.ts';
import type { RowsByTable, Tick } from '../../sampler.ts';
import { collectCounters, parseRate, parseState } from './parse.ts';
import type { PortCounters } from './parse.ts';

/** IB data counters count 4-byte words (octets / 4). */
const WORD_BYTES = 4;

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return []; // a device removed between listing and reading
  }
}

interface Port {
  readonly device: string;
  readonly port: number;
  readonly dir: string;
}

function listPorts(root: string): Port[] {
  const ports: Port[] = [];
  for (const device of listDir(root)) {
    for (const p of listDir(join(root, device, 'ports'))) {
      if (/^\d+$/.test(p)) ports.push({ device, port: Number(p), dir: join(root, device, 'ports', p) });
    }
  }
  return ports;
}

/**
 * Widths: data and packet counters are 64-bit when the HCA supports PortCountersExtended
 * (every mlx5); old HCAs expose 32-bit ones, selected with `legacy_32bit_data`.
 * port_xmit_wait is 32-bit everywhere. The error counters are 4-16 bit and saturate rather
 * than wrap, so a drop there is a reset (perfquery -R), never a wrap.
 */
class PortRates {
  private readonly data: RateTracker<string>;
  private readonly wait = new RateTracker<string>(32);
  private readonly errors = new RateTracker<string>();

  constructor(legacy32: boolean) {
    this.data = new RateTracker<string>(legacy32 ? 32 : undefined);
  }

  row(tick: Tick, host: string, p: Port, c: PortCounters): Row<'ib_samples'> | null {
    const [rxd, txd, rxp, txp] = c.data;
    if (rxd == null || txd == null || rxp == null || txp == null) return null;
    const key = `${p.device}/${p.port}`;
    const data = this.data.rates(key, tick.mono_s, [rxd, txd, rxp, txp]);
    const wait = c.xmit_wait === null ? null : this.wait.rates(key, tick.mono_s, [c.xmit_wait]);
    const errs = c.errors === null ? null : this.errors.rates(key, tick.mono_s, [c.errors]);
    if (!data) return null;
    const [rb = 0, tb = 0, rpk = 0, tpk = 0] = data.rates;
    return {
      ts: tick.ts, host, device: p.device, port: p.port,
      state: parseState(readText(join(p.dir, 'state'))),
      link_rate_gbps: parseRate(readText(join(p.dir, 'rate'))),
      interval_s: data.interval_s,
      rx_bytes_per_s: rb * WORD_BYTES, tx_bytes_per_s: tb * WORD_BYTES,
      rx_packets_per_s: rpk, tx_packets_per_s: tpk,
      xmit_wait_per_s: wait?.rates[0] ?? null,
      errors_per_s: errs?.rates[0] ?? 0,
      link_downed: c.link_downed ?? 0,
    };
  }

  sweep(): void {
    this.data.sweep();
    this.wait.sweep();
    this.errors.sweep();
  }
}

export const ibSampler = defineSampler({
  id: 'ib',
  description: 'InfiniBand port throughput, packets, congestion wait and errors from /sys/class/infiniband/*/ports/*/counters.',
  config: z.object({
    /** Old HCAs without PortCountersExtended: data and packet counters are 32-bit and wrap. */
    legacy_32bit_data: z.boolean().default(false),
  }).strict(),
  create(config, host) {
    const root = join(host.sysRoot, 'class', 'infiniband');
    if (!existsSync(root)) return { absent: 'ib: no /sys/class/infiniband' };
    const rates = new PortRates(config.legacy_32bit_data);
    return {
      sample(tick): RowsByTable {
        const rows: Row<'ib_samples'>[] = [];
        for (const p of listPorts(root)) {
          const counters = collectCounters((name) => readText(join(p.dir, 'counters', name)));
          const row = rates.row(tick, host.host, p, counters);
          if (row) rows.push(row);
        }
        rates.sweep();
        return { ib_samples: rows };
      },
      close() {},
    };
  },
});
