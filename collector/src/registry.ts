import type { Logger } from '@runlens/schemas';
import { cgroupSampler } from './samplers/cgroup/index.ts';
import { gpuSampler } from './samplers/gpu/index.ts';
import { ibSampler } from './samplers/ib/index.ts';
import { nodeSampler } from './samplers/node/index.ts';
import { nodeProfileSampler } from './samplers/node_profile/index.ts';
import { processSampler } from './samplers/process/index.ts';
import { type HostContext, type SamplerInstance, isAbsent } from './sampler.ts';

/** Every sampler, keyed by its stable id. Order matters: `process` reports the tree first. */
export const samplerRegistry = {
  process: processSampler,
  node: nodeSampler,
  cgroup: cgroupSampler,
  gpu: gpuSampler,
  ib: ibSampler,
  node_profile: nodeProfileSampler,
} as const;

export type SamplerId = keyof typeof samplerRegistry;
export const SAMPLER_IDS = Object.keys(samplerRegistry) as SamplerId[];

export interface ActiveSampler {
  readonly id: SamplerId;
  readonly instance: SamplerInstance;
}

export interface CreatedSamplers {
  readonly active: ActiveSampler[];
  /** 'gpu: nvidia-smi not found' and the like: reported once, the rest works. */
  readonly absent: string[];
}

/** Creates the enabled samplers; per-sampler config is validated by each sampler's zod schema. */
export async function createSamplers(
  host: HostContext, enabled: readonly SamplerId[], configs: Partial<Record<SamplerId, unknown>>, log: Logger,
): Promise<CreatedSamplers> {
  const active: ActiveSampler[] = [];
  const absent: string[] = [];
  for (const id of SAMPLER_IDS.filter((s) => enabled.includes(s))) {
    const def = samplerRegistry[id];
    const config = (def.config as { parse(v: unknown): unknown }).parse(configs[id] ?? {});
    const made = await (def.create as (c: unknown, h: HostContext) => Promise<SamplerInstance | { absent: string }>)(config, host);
    if (isAbsent(made)) {
      absent.push(made.absent);
      log.info('source absent on this host', { sampler: id, reason: made.absent });
    } else {
      active.push({ id, instance: made });
    }
  }
  return { active, absent };
}
