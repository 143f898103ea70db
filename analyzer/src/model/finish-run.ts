import type { Store } from '@runlens/pipeline';
import type { Row } from '@runlens/schemas';
import type { FindingDraft } from '../detectors/detector.ts';
import type { RunState } from '../state/run-state.ts';
import type { RunWindow } from '../window/run-window.ts';
import { median } from '../lib/stats.ts';
import { loadBaseline } from './baseline.ts';
import { detectRegression } from './regression.ts';
import { mad, powerLawExponent } from './robust.ts';
import { summariseRun } from './summarise-run.ts';

export interface RunModelResult {
  readonly summary: Row<'run_summaries'>;
  readonly appModel: Row<'app_models'> | null;
  readonly findings: FindingDraft[];
}

/** At run end: the run's fingerprint, the regression test against its baseline, the updated app model. */
export async function finishRunModel(store: Store, run: RunState, w: RunWindow, findings: readonly FindingDraft[]): Promise<RunModelResult> {
  const now = Date.now();
  const summary = summariseRun(run, w, findings, now);
  const endMs = run.meta?.end_ts ?? now;
  const history = summary.app ? await loadBaseline(store, { run_id: run.run_id, app: summary.app, cmd: run.meta?.cmd ?? '', start_ms: run.meta?.start_ts ?? endMs }) : [];
  const regression = detectRegression(summary, history, w);
  const withThis = [summary, ...history];
  const sameScale = withThis.filter((h) => h.scale_cores === summary.scale_cores).slice(0, 50);
  const walls = sameScale.map((h) => h.wall_s);
  const appModel: Row<'app_models'> | null = summary.app ? {
    app: summary.app, fingerprint: summary.fingerprint, scale_cores: summary.scale_cores, updated_ts: now, runs: sameScale.length,
    wall_s_median: median(walls), wall_s_mad: mad(walls), cpu_efficiency_median: median(sameScale.map((h) => h.cpu_efficiency)),
    cpu_cores_mean_median: median(sameScale.map((h) => h.cpu_cores_mean)), peak_rss_median: median(sameScale.map((h) => h.peak_rss_bytes)),
    scaling_exponent: powerLawExponent(withThis.map((h) => ({ x: h.scale_cores, y: h.wall_s }))),
  } : null;
  return { summary: regression ? { ...summary, finding_kinds: [...summary.finding_kinds, 'regression'] } : summary, appModel, findings: regression ? [regression] : [] };
}
