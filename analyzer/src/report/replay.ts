import type { Store } from '@runlens/pipeline';
import { type Row, rowsOfHosts, rowsOfRun } from '@runlens/schemas';
import { AnalyzerState } from '../state/analyzer-state.ts';
import type { RunWindow } from '../window/run-window.ts';

/** Kernel events this long before the run still matter (a file server that stopped answering before it began). */
const EVENT_LOOKBACK_MS = 60 * 60 * 1000;
/** ... and this long after its end row (the OOM kill or crash that ended it is logged around then). */
const EVENT_GRACE_MS = 15_000;

/**
 * Rebuilds a run's analyzer state from the store: the same aggregation and windows the
 * streaming analyzer used, for reports and for re-analysing runs it never saw.
 */
export async function replayRun(store: Store, runId: string): Promise<{ state: AnalyzerState; window: RunWindow } | null> {
  const state = new AnalyzerState();
  const runs = await rowsOfRun(store, 'runs', runId);
  if (runs.length === 0) return null;
  state.add('runs', runs);
  const meta = runs[0] as Row<'runs'>;
  state.add('process_samples', await rowsOfRun(store, 'process_samples', runId));
  const range = { from_ms: meta.start_ts - 5000, to_ms: (meta.end_ts ?? Date.now()) + 5000 };
  state.add('node_samples', await rowsOfHosts(store, 'node_samples', meta.hosts, range));
  state.add('node_profiles', await rowsOfHosts(store, 'node_profiles', meta.hosts));
  state.add('device_profiles', await rowsOfHosts(store, 'device_profiles', meta.hosts));
  state.add('cgroup_samples', await rowsOfRun(store, 'cgroup_samples', runId));
  state.add('mpi_samples', await rowsOfRun(store, 'mpi_samples', runId));
  const events = { from_ms: meta.start_ts - EVENT_LOOKBACK_MS, to_ms: (meta.end_ts ?? Date.now()) + EVENT_GRACE_MS };
  state.add('node_events', await rowsOfHosts(store, 'node_events', meta.hosts, events));
  const run = state.runs.get(runId);
  return run ? { state, window: run.window(state.hosts) } : null;
}
