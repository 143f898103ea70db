import { type AppOutcome, type HostProfile, type Identity, type NodeTypesConfig, type Store, appOutcomes, hostProfiles, nodeTypeOf, runCost } from '@runlens/schemas';
import { type Recommendation, recommend } from './recommend.ts';

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

const tag = (tags: readonly string[], key: string): string => tags.find((t) => t.startsWith(`${key}=`))?.slice(key.length + 1) ?? '';

/** A run's node type: its hosts' type, or the types joined with '+' when they differ. */
export function runNodeType(cfg: NodeTypesConfig, r: AppOutcome, profiles: ReadonlyMap<string, HostProfile>): string {
  const types = [...new Set(r.hosts.map((h) => nodeTypeOf(cfg, h, tag(r.tags, 'partition'), profiles.get(h) ?? null).type))].sort();
  return types.length === 0 ? 'unknown' : types.join('+');
}

/** `runlens select APP`: this app's runs of one work and scale, compared across node types. */
export async function selectForApp(store: Store, id: Identity, app: string, cfg: NodeTypesConfig, scale?: number): Promise<SelectionResult> {
  const all = await appOutcomes(store, id, app);
  const fingerprint = mostFrequent(all.map((r) => r.fingerprint)) ?? null;
  const same = all.filter((r) => r.fingerprint === fingerprint);
  const scaleCores = scale ?? mostFrequent(same.map((r) => r.scale_cores)) ?? null;
  const chosen = same.filter((r) => r.scale_cores === scaleCores);
  const profiles = new Map((await hostProfiles(store, [...new Set(chosen.flatMap((r) => r.hosts))])).map((p) => [p.host, p]));
  const outcomes = chosen.map((r) => {
    const type = runNodeType(cfg, r, profiles);
    const hosts = Math.max(1, r.hosts.length);
    return { type, wall_s: r.wall_s, cost: runCost(cfg.types[type], r.wall_s, hosts, r.alloc_cores * hosts, r.alloc_gpus * hosts) };
  });
  return {
    app, fingerprint, scale_cores: scaleCores, currency: cfg.currency, runs_considered: chosen.length,
    runs_other_work: all.length - chosen.length, recommendation: recommend(outcomes),
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
