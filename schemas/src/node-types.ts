import { z } from 'zod';

/**
 * Node types and their prices (issue 13): operations name types per host pattern or Slurm
 * partition in a JSON file (RUNLENS_NODE_TYPES_FILE); a host no type claims gets a type derived
 * from its node profile. Prices are per node-hour, optionally plus per core-hour and GPU-hour.
 */
const typeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'letters, digits, _ . : - (at most 64)');

export const nodeTypeSchema = z.object({
  hosts: z.array(z.string().min(1).max(256)).max(10_000).default([]),
  partitions: z.array(z.string().min(1).max(128)).max(1000).default([]),
  price_per_node_hour: z.number().nonnegative().finite().optional(),
  price_per_core_hour: z.number().nonnegative().finite().optional(),
  price_per_gpu_hour: z.number().nonnegative().finite().optional(),
  description: z.string().max(200).optional(),
}).strict();

export const nodeTypesFileSchema = z.object({
  currency: z.string().min(1).max(8).default('EUR'),
  types: z.record(typeName, nodeTypeSchema).refine((t) => Object.keys(t).length <= 1000, 'at most 1000 types'),
}).strict();

export type NodeTypesConfig = z.output<typeof nodeTypesFileSchema>;
export type NodeTypeDef = z.output<typeof nodeTypeSchema>;

export const NO_NODE_TYPES: NodeTypesConfig = { currency: 'EUR', types: {} };

/** The part of a node profile a derived type is named from. */
export interface ProfileForType {
  readonly cpu_model: string;
  readonly logical_cpus: number;
  /** Cores usable under the agent's cpuset and CPU quota; null or absent when unknown. */
  readonly usable_cores?: number | null;
  readonly mem_total_bytes: number;
  readonly gpu_count: number;
  readonly gpu_models: readonly string[];
}

/** `*` matches any run of characters; everything else is literal. */
function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(s);
}

/**
 * A name for hosts with the same hardware: CPU model, usable cores, memory (GiB) and GPUs.
 * Cores limited by a cpuset or CPU quota read `1.5of4c`: the same machine cut to fewer cores
 * is another type, since it runs the same work slower.
 */
export function derivedNodeType(p: ProfileForType): string {
  const cpu = p.cpu_model.replace(/\(R\)|\(TM\)|CPU|Processor|@.*$/g, '').trim().replace(/\s+/g, '-') || 'cpu';
  const gpu = p.gpu_count > 0 ? `/${p.gpu_count}x${(p.gpu_models[0] ?? 'gpu').replace(/\s+/g, '-')}` : '';
  const usable = p.usable_cores ?? null;
  const cores = usable !== null && usable > 0 && usable < p.logical_cpus ? `${Math.round(usable * 100) / 100}of${p.logical_cpus}c` : `${p.logical_cpus}c`;
  return `${cpu}/${cores}/${Math.round(p.mem_total_bytes / 2 ** 30)}G${gpu}`;
}

export interface NodeTypeOf { readonly type: string; readonly configured: boolean }

/** The type of `host`: a configured host pattern first, then its Slurm partition, then the profile. */
export function nodeTypeOf(cfg: NodeTypesConfig, host: string, partition: string, profile: ProfileForType | null): NodeTypeOf {
  const entries = Object.entries(cfg.types);
  const byHost = entries.find(([, t]) => t.hosts.some((h) => globMatch(h, host)));
  const byPartition = partition ? entries.find(([, t]) => t.partitions.includes(partition)) : undefined;
  const hit = byHost ?? byPartition;
  if (hit) return { type: hit[0], configured: true };
  return { type: profile ? derivedNodeType(profile) : 'unknown', configured: false };
}

const tagValue = (tags: readonly string[], key: string): string => tags.find((t) => t.startsWith(`${key}=`))?.slice(key.length + 1) ?? '';

/** A run's node type: its hosts' type, or the types joined with '+' when they differ ('unknown' without hosts). */
export function runNodeType(cfg: NodeTypesConfig, run: { readonly hosts: readonly string[]; readonly tags: readonly string[] }, profiles: ReadonlyMap<string, ProfileForType>): string {
  const types = [...new Set(run.hosts.map((h) => nodeTypeOf(cfg, h, tagValue(run.tags, 'partition'), profiles.get(h) ?? null).type))].sort();
  return types.length === 0 ? 'unknown' : types.join('+');
}

/** Cost of one run, or null when its type has no price. */
export function runCost(def: NodeTypeDef | undefined, wallS: number, hosts: number, cores: number, gpus: number): number | null {
  if (!def || (def.price_per_node_hour === undefined && def.price_per_core_hour === undefined && def.price_per_gpu_hour === undefined)) return null;
  const h = wallS / 3600;
  return h * ((def.price_per_node_hour ?? 0) * Math.max(1, hosts) + (def.price_per_core_hour ?? 0) * cores + (def.price_per_gpu_hour ?? 0) * gpus);
}
