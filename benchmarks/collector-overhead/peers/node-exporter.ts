import { versionOf } from '../../lib/debian.ts';
import { freePort, spawnPeer } from './child.ts';
import type { PeerDef } from './peer.ts';
import { scrapeAt1Hz } from './scraper.ts';

const BIN = '/usr/bin/prometheus-node-exporter';
/**
 * Only the collectors that read what RunLens's node sampler reads (/proc/stat, meminfo,
 * loadavg, diskstats, net/dev, pressure). The Debian defaults add ~40 more (filesystem,
 * hwmon, systemd, textfile, ...), which RunLens has no counterpart for.
 */
const FLAGS = [
  '--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.loadavg',
  '--collector.diskstats', '--collector.netdev', '--collector.pressure',
];

/** Debian's prometheus-node-exporter: a node-level peer (no per-process data), scraped at 1 Hz. */
export const nodeExporter: PeerDef = {
  id: 'node_exporter',
  scope: 'node',
  debian: { pkg: 'prometheus-node-exporter', probe: BIN },
  ticks: 'successful 1 Hz scrapes of /metrics',
  version: () => versionOf(BIN, ['--version']),
  settings: () => ({ flags: FLAGS }),
  async start() {
    const port = await freePort();
    const child = await spawnPeer('node_exporter', BIN, [...FLAGS, `--web.listen-address=127.0.0.1:${port}`]);
    return scrapeAt1Hz('node_exporter', child, `http://127.0.0.1:${port}/metrics`);
  },
};
