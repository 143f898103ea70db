import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { versionOf } from '../../lib/debian.ts';
import { freePort, makeTempDir, removeTempDir, spawnPeer } from './child.ts';
import type { PeerDef } from './peer.ts';
import { scrapeAt1Hz } from './scraper.ts';

const BIN = '/usr/bin/prometheus-process-exporter';
/** Per-thread metrics off (RunLens samples processes, not threads); smaps off (RunLens reads no smaps). */
const FLAGS = ['-threads=false', '-gather-smaps=false'];
/** Every process with a command line (so no kernel threads), grouped by comm. */
const CONFIG = "process_names:\n  - name: '{{.Comm}}'\n    cmdline: ['.+']\n";

/** Debian's prometheus-process-exporter, scraped at 1 Hz by the harness. */
export const processExporter: PeerDef = {
  id: 'process_exporter',
  scope: 'process',
  debian: { pkg: 'prometheus-process-exporter', probe: BIN },
  ticks: 'successful 1 Hz scrapes of /metrics',
  version: () => versionOf(BIN, ['-version']),
  settings: () => ({ flags: FLAGS, config: CONFIG }),
  async start() {
    const dir = makeTempDir('runlens-bench-pe-');
    const configPath = join(dir, 'config.yml');
    writeFileSync(configPath, CONFIG);
    const port = await freePort();
    const args = ['-config.path', configPath, '-web.listen-address', `127.0.0.1:${port}`, ...FLAGS];
    const child = await spawnPeer('process_exporter', BIN, args);
    const agent = await scrapeAt1Hz('process_exporter', child, `http://127.0.0.1:${port}/metrics`)
      .catch((e: unknown) => { removeTempDir(dir); throw e; });
    return { ...agent, stop: async () => { await agent.stop(); removeTempDir(dir); } };
  },
};
