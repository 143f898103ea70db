import {
  type Identity, type NodeTypesConfig, type Store, type StoredScaling, appOutcomes, dominantMetric, hostProfiles, nodeTypeOf, runCost, runNodeType, storedScaling,
} from '@runlens/schemas';
import { median } from '../lib/stats.ts';
import { predictTypeAtScale } from './predict-scale.ts';
import { type Recommendation, type TypeStats, type TypedOutcome, recommendFromStats, typeStats } from './recommend.ts';

export interface SelectionResult {
  readonly app: string;
  /** The work compared: the app's most frequent command fingerprint. */
  readonly fingerprint: string | null;
  readonly scale_cores: number | null;
  readonly currency: string;
  readonly runs_considered: number;
  /** Runs of the app left out: another fingerprint or scale. */
  readonly runs_other_work: number;
  readonly recommendation: Recommendation;
}

function mostFrequent<T>(xs: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

type ScaledOutcome = TypedOutcome & { readonly scale: number; readonly hosts: number; readonly gpus: number };

/** Per type: measured at the scale when it ran there, else predicted from its other scales (predict-scale.ts). */
function statsAtScale(outcomes: readonly ScaledOutcome[], scale: number | null, stored: readonly StoredScaling[], cfg: NodeTypesConfig, useMetric: boolean): TypeStats[] {
  const byType = new Map<string, ScaledOutcome[]>();
  for (const o of outcomes) byType.set(o.type, [...(byType.get(o.type) ?? []), o]);
  return [...byType].flatMap(([type, os]) => {
    if (scale === null) return [typeStats(type, os, useMetric)];
    const here = os.filter((o) => o.scale === scale);
    if (here.length > 0) return [typeStats(type, here, useMetric)];
    const byScale = new Map<number, ScaledOutcome[]>();
    for (const o of os) byScale.set(o.scale, [...(byScale.get(o.scale) ?? []), o]);
    const hosts = median(os.map((o) => o.hosts));
    const gpus = median(os.map((o) => o.gpus));
    const p = predictTypeAtScale(type, byScale, scale, stored.find((s) => s.node_type === type), (w) => runCost(cfg.types[type], w, hosts, scale, gpus), useMetric);
    return p ? [p] : [];
  });
}

/**
 * `runlens select APP`: this app's runs of one work (its most frequent fingerprint) compared
 * across node types at one scale; a type with no run at that scale is predicted from its other
 * scales by the app model's scaling exponent, and marked so.
 */
export async function selectForApp(store: Store, id: Identity, app: string, cfg: NodeTypesConfig, scale?: number, work?: string): Promise<SelectionResult> {
  const all = await appOutcomes(store, id, app);
  const fingerprint = work ?? mostFrequent(all.map((r) => r.fingerprint)) ?? null;
  const same = all.filter((r) => r.fingerprint === fingerprint);
  const scaleCores = scale ?? mostFrequent(same.map((r) => r.scale_cores)) ?? null;
  const profiles = new Map((await hostProfiles(store, [...new Set(same.flatMap((r) => r.hosts))])).map((p) => [p.host, p]));
  const metric = await dominantMetric(store, same.map((r) => r.run_id));
  const outcomes: ScaledOutcome[] = same.map((r) => {
    const type = runNodeType(cfg, r, profiles);
    const hosts = Math.max(1, r.hosts.length);
    return {
      type, wall_s: r.wall_s, scale: r.scale_cores, hosts, gpus: r.alloc_gpus * hosts, metric: metric.byRun.get(r.run_id) ?? null,
      cost: runCost(cfg.types[type], r.wall_s, hosts, r.alloc_cores * hosts, r.alloc_gpus * hosts),
    };
  });
  const atScale = outcomes.filter((o) => o.scale === scaleCores);
  const useMetric = metric.name !== null && atScale.length > 0 && atScale.every((o) => o.metric !== null);
  const stored = fingerprint === null ? [] : await storedScaling(store, app, fingerprint);
  const types = statsAtScale(outcomes, scaleCores, stored, cfg, useMetric);
  return {
    app, fingerprint, scale_cores: scaleCores, currency: cfg.currency, runs_considered: atScale.length,
    runs_other_work: all.length - atScale.length, recommendation: recommendFromStats(types, useMetric && metric.name ? metric.name : 'wall_s'),
  };
}

export interface NodeTypeListing { type: string; configured: boolean; hosts: string[]; price_per_node_hour: number | null; price_per_core_hour: number | null; price_per_gpu_hour: number | null }

/** `runlens nodes`: every type, configured or derived from the profiles, with its hosts and prices. */
export async function listNodeTypes(store: Store, cfg: NodeTypesConfig): Promise<NodeTypeListing[]> {
  const byType = new Map<string, { configured: boolean; hosts: string[] }>(Object.keys(cfg.types).map((t) => [t, { configured: true, hosts: [] }]));
  for (const p of await hostProfiles(store)) {
    const t = nodeTypeOf(cfg, p.host, '', p);
    const e = byType.get(t.type) ?? { configured: t.configured, hosts: [] };
    e.hosts.push(p.host);
    byType.set(t.type, e);
  }
  return [...byType].map(([type, e]) => ({
    type, configured: e.configured, hosts: e.hosts.sort(),
    price_per_node_hour: cfg.types[type]?.price_per_node_hour ?? null, price_per_core_hour: cfg.types[type]?.price_per_core_hour ?? null, price_per_gpu_hour: cfg.types[type]?.price_per_gpu_hour ?? null,
  }));
}
