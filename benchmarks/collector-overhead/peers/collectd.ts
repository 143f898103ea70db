import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { versionOf } from '../../lib/debian.ts';
import { makeTempDir, removeTempDir, spawnPeer, waitUntilReady } from './child.ts';
import type { PeerDef } from './peer.ts';

const BIN = '/usr/sbin/collectd';
const HOST = 'bench';

/**
 * Interval 1. `ProcessMatch "all" ".*"` makes the processes plugin read stat, status, io and
 * cmdline and list task/ for every pid (kernel threads too) each tick, summed into one group;
 * context switches on (RunLens reports them), fd and memory-map counts off (RunLens reads
 * neither). cpu, memory, load, disk and interface stand in for RunLens's node sampler.
 * csv keeps every value, one line per value per tick.
 */
export function collectdConfig(dir: string): string {
  return `Hostname "${HOST}"
FQDNLookup false
BaseDir "${dir}"
PIDFile "${dir}/collectd.pid"
PluginDir "/usr/lib/collectd"
Interval 1
LoadPlugin processes
LoadPlugin cpu
LoadPlugin memory
LoadPlugin load
LoadPlugin disk
LoadPlugin interface
LoadPlugin csv
<Plugin processes>
  CollectContextSwitch true
  CollectFileDescriptor false
  CollectMemoryMaps false
  ProcessMatch "all" ".*"
</Plugin>
<Plugin csv>
  DataDir "${dir}/csv"
  StoreRates false
</Plugin>
`;
}

/** Data lines written so far for the "all" group's RSS: one per completed processes read. */
function rssLines(dir: string): number {
  const group = join(dir, 'csv', HOST, 'processes-all');
  let files: string[];
  try {
    files = readdirSync(group).filter((f) => f.startsWith('ps_rss-'));
  } catch {
    return 0; // nothing written yet
  }
  // Each daily file starts with an "epoch,value" header line.
  return files.reduce((n, f) => n + readFileSync(join(group, f), 'utf8').split('\n').filter((l) => /^\d/.test(l)).length, 0);
}

/** collectd 5 with the processes plugin in the foreground; ticks are counted from its csv output. */
export const collectd: PeerDef = {
  id: 'collectd',
  scope: 'process',
  debian: { pkg: 'collectd-core', probe: BIN },
  ticks: 'lines in csv processes-all/ps_rss-* (one per completed processes read)',
  // `collectd -h` puts its version on the last lines, so ask dpkg (same package, same version).
  version: () => `collectd ${versionOf('dpkg-query', ['-W', '-f=${Version}\n', 'collectd-core'])} (Debian collectd-core)`,
  settings: () => ({ args: ['-f', '-C', '<dir>/collectd.conf'], config: collectdConfig('<dir>') }),
  async start() {
    const dir = makeTempDir('runlens-bench-collectd-');
    const confPath = join(dir, 'collectd.conf');
    writeFileSync(confPath, collectdConfig(dir));
    const cleanup = (): void => removeTempDir(dir);
    const child = await spawnPeer('collectd', BIN, ['-f', '-C', confPath]).catch((e: unknown) => { cleanup(); throw e; });
    try {
      await waitUntilReady(child, 'collectd', async () => rssLines(dir) > 0, 15_000);
    } catch (e) {
      await child.stop();
      cleanup();
      throw e;
    }
    return {
      pid: child.pid,
      exitReason: child.exitReason,
      ticks: async () => rssLines(dir),
      extra: async () => ({ exited: child.exitReason() }),
      stop: async () => { await child.stop(); cleanup(); },
    };
  },
};

