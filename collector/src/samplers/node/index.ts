import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readText } from '../../lib/proc-files.ts';
import { defineSampler } from '../../sampler.ts';
import type { RowsByTable } from '../../sampler.ts';
import { parseDiskstats, parseNetDev } from './parse-devices.ts';
import { parseLoadavg, parseMeminfo, parsePressure, parseProcStat, summariseMeminfo } from './parse-proc.ts';
import type { PressureTotals } from './parse-proc.ts';
import { NodeRowBuilder } from './rows.ts';
import type { NodeReadings } from './rows.ts';

const NO_TOTALS: PressureTotals = { some_us: null, full_us: null };

function readPressure(dir: string): NodeReadings['psi'] {
  const one = (name: string): PressureTotals => {
    const t = readText(join(dir, name));
    return t === null ? NO_TOTALS : parsePressure(t);
  };
  return { cpu: one('cpu'), io: one('io'), memory: one('memory') };
}

function readNode(procRoot: string, psi: boolean): NodeReadings {
  const stat = readText(join(procRoot, 'stat'));
  const mem = readText(join(procRoot, 'meminfo'));
  const load = readText(join(procRoot, 'loadavg'));
  return {
    stat: stat === null ? null : parseProcStat(stat),
    mem: mem === null ? null : summariseMeminfo(parseMeminfo(mem)),
    load1: load === null ? null : parseLoadavg(load),
    psi: psi ? readPressure(join(procRoot, 'pressure')) : null,
  };
}

export const nodeSampler = defineSampler({
  id: 'node',
  description: 'Host CPU modes, memory, load, PSI (/proc/{stat,meminfo,loadavg,pressure}) and per-device disk and network rates (/proc/diskstats, /proc/net/dev).',
  config: z.object({
    disks: z.boolean().default(true),
    net: z.boolean().default(true),
  }).strict(),
  create(config, host) {
    const builder = new NodeRowBuilder(host.host, host.clkTck);
    // PSI needs CONFIG_PSI and may be switched off at boot (psi=0): then every column is null.
    const psi = existsSync(join(host.procRoot, 'pressure'));
    return {
      sample(tick): RowsByTable {
        const node = builder.nodeRow(tick, readNode(host.procRoot, psi));
        const disks = config.disks ? readText(join(host.procRoot, 'diskstats')) : null;
        const nets = config.net ? readText(join(host.procRoot, 'net', 'dev')) : null;
        const device_samples = [
          ...builder.diskRows(tick, disks === null ? [] : parseDiskstats(disks)),
          ...builder.netRows(tick, nets === null ? [] : parseNetDev(nets)),
        ];
        builder.sweep();
        return { node_samples: node ? [node] : [], device_samples };
      },
      close() {},
    };
  },
});
