import { collectd } from './collectd.ts';
import { netdataApps } from './netdata-apps.ts';
import { nodeExporter } from './node-exporter.ts';
import type { AgentName, PeerDef } from './peer.ts';
import { processExporter } from './process-exporter.ts';
import { runlens } from './runlens.ts';

/** Every agent the benchmark knows, keyed by its id, in the order a forward repeat runs them. */
export const PEERS: Readonly<Record<AgentName, PeerDef>> = {
  runlens,
  process_exporter: processExporter,
  node_exporter: nodeExporter,
  collectd,
  netdata_apps: netdataApps,
};

export const AGENT_NAMES = Object.keys(PEERS) as AgentName[];
