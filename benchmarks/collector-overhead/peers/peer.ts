import type { Measured } from '../proc-meter.ts';

/** Stable snake_case ids, as they appear in results.json and the tables. */
export type AgentName = 'runlens' | 'process_exporter' | 'node_exporter' | 'collectd' | 'netdata_apps';

export interface RunningAgent extends Measured {
  /** Null while the agent runs; how it ended otherwise (a result from a dead agent is void). */
  exitReason(): string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The agent must stop itself after this long if the harness dies (RunLens only; peers die with their pipes or are killed). */
  readonly maxDurationS: number;
  /** Extra node flags for the RunLens agent, e.g. --cpu-prof. */
  readonly nodeFlags: readonly string[];
}

/** One agent the benchmark can run: where it comes from, how it is configured, how it starts. */
export interface PeerDef {
  readonly id: AgentName;
  /** 'process': collects per-process data; 'node': host-level metrics only (not a per-process peer). */
  readonly scope: 'process' | 'node';
  /** Debian package and a file it ships; null for RunLens (this repo). */
  readonly debian: { readonly pkg: string; readonly probe: string } | null;
  /** How ticks are counted, for the results file. */
  readonly ticks: string;
  version(): string;
  /** The configuration it runs with (flags, config file text), for the results file. */
  settings(): Record<string, unknown>;
  start(opts: StartOptions): Promise<RunningAgent>;
}
