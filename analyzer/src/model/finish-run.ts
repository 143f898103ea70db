import type { Store } from '@runlens/pipeline';
import { NO_NODE_TYPES, type NodeTypesConfig, type Row, dominantMetric, hostProfiles, runNodeType } from '@runlens/schemas';
import type { FindingDraft } from '../detectors/detector.ts';
import type { RunState } from '../state/run-state.ts';
import type { RunWindow } from '../window/run-window.ts';
import { median } from '../lib/stats.ts';
import { type SummaryRow, loadBaseline } from './baseline.ts';
import { detectRegression } from './regression.ts';
import { mad, powerLawFit } from './robust.ts';
import { summariseRun } from './summarise-run.ts';

export interface RunModelResult {
  readonly summary: Row<'run_summaries'>;
  readonly appModel: Row<'app_models'> | null;
  readonly findings: FindingDraft[];
}

/** Runs of one scale in a model: the newest ones. */
const MODEL_RUNS = 50;

/** The run's node type as this analyzer sees it: configured types first, else derived from its hosts' profiles. */
async function nodeTypeOfRun(store: Store, meta: Row<'runs'> | null, cfg: NodeTypesConfig): Promise<string> {
  if (!meta || meta.hosts.length === 0) return 'unknown';
  const profiles = new Map((await hostProfiles(store, meta.hosts)).map((p) => [p.host, p]));
  return runNodeType(cfg, meta, profiles);
}

/** The app's own metric over these runs: the name most of them report, and the median of their means over time. */
async function metricOf(store: Store, runIds: readonly string[]): Promise<{ metric_name: string; metric_median: number | null }> {
  const { name, byRun } = await dominantMetric(store, runIds);
  return name === null ? { metric_name: '', metric_median: null } : { metric_name: name, metric_median: median([...byRun.values()]) };
}

/**
 * The app model of one (app, fingerprint, node type, scale): medians, spread and run count of the
 * newest runs there, the app's own metric, and the scaling exponent over every scale of this
 * fingerprint on this node type, with its standard error.
 */
async function appModelOf(store: Store, summary: SummaryRow, history: readonly SummaryRow[], now: number): Promise<Row<'app_models'>> {
  const sameType = [summary, ...history.filter((h) => h.node_type === summary.node_type)];
  const sameScale = sameType.filter((h) => h.scale_cores === summary.scale_cores).slice(0, MODEL_RUNS);
  const walls = sameScale.map((h) => h.wall_s);
  const fit = powerLawFit(sameType.map((h) => ({ x: h.scale_cores, y: h.wall_s })));
  return {
    app: summary.app, fingerprint: summary.fingerprint, node_type: summary.node_type, scale_cores: summary.scale_cores, updated_ts: now, runs: sameScale.length,
    wall_s_median: median(walls), wall_s_mad: mad(walls), cpu_efficiency_median: median(sameScale.map((h) => h.cpu_efficiency)),
    cpu_cores_mean_median: median(sameScale.map((h) => h.cpu_cores_mean)), peak_rss_median: median(sameScale.map((h) => h.peak_rss_bytes)),
    ...(await metricOf(store, sameScale.map((h) => h.run_id))),
    scaling_exponent: fit?.exponent ?? null, scaling_exponent_se: fit?.se ?? null, scaling_runs: fit?.runs ?? 0,
  };
}

/** At run end: the run's fingerprint, the regression test against its baseline, the updated app model. */
export async function finishRunModel(store: Store, run: RunState, w: RunWindow, findings: readonly FindingDraft[], nodeTypes: NodeTypesConfig = NO_NODE_TYPES): Promise<RunModelResult> {
  const now = Date.now();
  const summary = summariseRun(run, w, findings, now, await nodeTypeOfRun(store, run.meta, nodeTypes));
  const endMs = run.meta?.end_ts ?? now;
  const history = summary.app ? await loadBaseline(store, { run_id: run.run_id, app: summary.app, cmd: run.meta?.cmd ?? '', start_ms: run.meta?.start_ts ?? endMs }) : [];
  const regression = detectRegression(summary, history, w);
  const appModel = summary.app ? await appModelOf(store, summary, history, now) : null;
  return { summary: regression ? { ...summary, finding_kinds: [...summary.finding_kinds, 'regression'] } : summary, appModel, findings: regression ? [regression] : [] };
}
