import type { Store } from '@runlens/pipeline';
import { type NodeTypesConfig, type RunRecord, hostProfiles, runNodeType } from '@runlens/schemas';
import { commandFingerprint } from '../model/fingerprint.ts';
import { type Recommendation, ratio, speedup } from './recommend.ts';
import { selectForApp } from './select-app.ts';

const runsOf = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

/**
 * The run report's sentence (issue 13): where this app's same work ran faster, or cheaper per
 * unit of work, than on the run's own node type. Only a pick the recommendation is sure of (its
 * interval clear of every other type's, each type on enough runs) is said; a predicted type never is.
 */
export function elsewhereSentences(r: Recommendation, mine: string): string[] {
  const here = r.types.find((t) => t.type === mine && t.predicted === null);
  if (r.verdict !== 'recommended' || !here) return [];
  const per = r.performance === 'wall_s' ? 'per run' : 'per unit of work';
  const out: string[] = [];
  for (const p of [r.fastest, r.cheapest]) {
    const t = r.types.find((x) => x.type === p?.type);
    if (!p?.sure || !t || t.type === mine || t.predicted !== null || out.some((o) => o.startsWith(`on type ${t.type} `))) continue;
    const cost = t.cost_per_unit_median !== null && here.cost_per_unit_median ? ` at ${ratio(t.cost_per_unit_median / here.cost_per_unit_median)} the cost ${per}` : '';
    const s = speedup(t, here);
    const speed = s >= 1 ? `${ratio(s)} faster` : `${ratio(1 / s)} slower`;
    out.push(`on type ${t.type} this work ran ${speed} (${runsOf(t.runs)}) than on ${mine} (${runsOf(here.runs)})${cost}`);
  }
  return out;
}

/** The sentences for one recorded run, from the runs its user may see; [] when the app has no sure answer. */
export async function elsewhereForRun(store: Store, run: RunRecord, cfg: NodeTypesConfig): Promise<string[]> {
  if (!run.app || run.hosts.length === 0) return [];
  const profiles = new Map((await hostProfiles(store, run.hosts)).map((p) => [p.host, p]));
  const mine = runNodeType(cfg, run, profiles);
  const scale = run.alloc_cores * Math.max(1, run.hosts.length);
  const sel = await selectForApp(store, { user: run.user, role: 'user' }, run.app, cfg, scale, commandFingerprint(run.cmd));
  return elsewhereSentences(sel.recommendation, mine);
}
