import type { LoadCols } from '../state/process-cols.ts';
import { runIdOf } from './run-ids.ts';

/** Hosts remembered at most (a cluster's nodes, with room): the oldest-updated is forgotten first. */
const MAX_HOSTS = 200_000;

interface Seen { readonly ts: number; readonly runs: readonly string[] }

/**
 * The runs on each host, as the host's newest process message shows them: where the router sends
 * the host's per-tick rows (node, GPU, InfiniBand, processes outside any run, other runs' load), so
 * that only the replicas owning those runs read them, in the runs' own partitions. Nothing else
 * needs them: a run's window holds its hosts' rows from its own ticks on.
 */
export class HostRuns {
  private readonly hosts = new Map<string, Seen>();

  constructor(private readonly max = MAX_HOSTS) {}

  /** A process message's hosts, each with the runs among its rows (none: the host is idle); an older tick than one seen changes nothing. */
  note(c: Pick<LoadCols, 'n' | 'ts' | 'host' | 'run_id'>): void {
    const seen = new Map<string, { ts: number; runs: Set<string> }>();
    for (let i = 0; i < c.n; i++) {
      const host = c.host[i] ?? '';
      let s = seen.get(host);
      if (!s) seen.set(host, (s = { ts: -Infinity, runs: new Set() }));
      s.ts = Math.max(s.ts, c.ts[i] ?? NaN);
      const run = runIdOf(c.run_id[i]);
      if (run !== '') s.runs.add(run);
    }
    for (const [host, s] of seen) {
      if ((this.hosts.get(host)?.ts ?? -Infinity) > s.ts) continue;
      this.hosts.delete(host);
      this.hosts.set(host, { ts: s.ts, runs: [...s.runs].sort() });
      if (this.hosts.size > this.max) this.hosts.delete(this.hosts.keys().next().value as string);
    }
  }

  /** The host's runs; undefined while no process message of the host was seen (its rows then go to every replica, as before). */
  runsOn(host: string): readonly string[] | undefined {
    return this.hosts.get(host)?.runs;
  }
}
