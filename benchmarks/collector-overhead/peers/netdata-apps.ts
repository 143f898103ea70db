import { createInterface } from 'node:readline';
import { versionOf } from '../../lib/debian.ts';
import { makeTempDir, removeTempDir, spawnPeer, waitUntilReady } from './child.ts';
import type { PeerDef } from './peer.ts';

const BIN = '/usr/lib/netdata/plugins.d/apps.plugin';
/**
 * Update every 1 s. `without-files` turns off the per-fd readlink walk (netdata's default is
 * with files), as RunLens reads no fds; the exporter's -threads/-smaps flags follow the same rule.
 */
const ARGS = ['1', 'without-files'];
/** The plugin writes its own resource chart once per completed iteration. */
const TICK_LINE = 'BEGIN netdata.apps_cpu ';

/**
 * netdata's apps.plugin standalone, as the netdata daemon runs it: stdin is a pipe it watches
 * (it exits when that closes), stdout is the plugin protocol, drained here. The empty config
 * dir makes it fall back to the stock apps_groups.conf.
 */
export const netdataApps: PeerDef = {
  id: 'netdata_apps',
  scope: 'process',
  debian: { pkg: 'netdata-core', probe: BIN },
  ticks: `"${TICK_LINE.trim()}" lines on stdout (one per completed iteration)`,
  version: () => versionOf(BIN, ['-v']),
  settings: () => ({ args: ARGS, env: { NETDATA_CONFIG_DIR: '<empty temp dir>', NETDATA_STOCK_CONFIG_DIR: '/usr/lib/netdata/conf.d', NETDATA_HOST_PREFIX: '' } }),
  async start() {
    const dir = makeTempDir('runlens-bench-apps-');
    const env = { ...process.env, NETDATA_CONFIG_DIR: dir, NETDATA_STOCK_CONFIG_DIR: '/usr/lib/netdata/conf.d', NETDATA_HOST_PREFIX: '' };
    const cleanup = (): void => removeTempDir(dir);
    const child = await spawnPeer('netdata_apps', BIN, ARGS, { env, stdio: ['pipe', 'pipe', 'pipe'] })
      .catch((e: unknown) => { cleanup(); throw e; });
    let ticks = 0;
    let lines = 0;
    createInterface({ input: child.child.stdout! }).on('line', (l) => {
      lines++;
      if (l.startsWith(TICK_LINE)) ticks++;
    });
    try {
      await waitUntilReady(child, 'netdata_apps', async () => ticks > 0, 15_000);
    } catch (e) {
      await child.stop();
      cleanup();
      throw e;
    }
    return {
      pid: child.pid,
      exitReason: child.exitReason,
      ticks: async () => ticks,
      extra: async () => ({ stdout_lines: lines, exited: child.exitReason() }),
      stop: async () => { await child.stop(); cleanup(); },
    };
  },
};
