import type { Logger } from '@runlens/schemas';
import { cgroupSampler } from './samplers/cgroup/index.ts';
import { gpuSampler } from './samplers/gpu/index.ts';
import { ibSampler } from './samplers/ib/index.ts';
import { kernelEventsSampler } from './samplers/kernel_events/index.ts';
import { mpiSampler } from './samplers/mpi/index.ts';
import { nodeSampler } from './samplers/node/index.ts';
import { nodeProfileSampler } from './samplers/node_profile/index.ts';
import { processSampler } from './samplers/process/index.ts';
import { z } from 'zod';
import { type HostContext, type SamplerInstance, isAbsent } from './sampler.ts';

/** Every sampler, keyed by its stable id. Order matters: `process` reports the tree first. */
export const samplerRegistry = {
  process: processSampler,
  node: nodeSampler,
  cgroup: cgroupSampler,
  gpu: gpuSampler,
  ib: ibSampler,
  node_profile: nodeProfileSampler,
  kernel_events: kernelEventsSampler,
  mpi: mpiSampler,
} as const;

export type SamplerId = keyof typeof samplerRegistry;
export const SAMPLER_IDS = Object.keys(samplerRegistry) as SamplerId[];

const isSamplerId = (s: string): s is SamplerId => Object.hasOwn(samplerRegistry, s);

/**
 * `RUNLENS_SAMPLERS`: a comma list of sampler ids, every sampler when unset. An unknown id is
 * a config error naming it and the valid ones, so a typo never silently turns a sampler off.
 */
export const samplerListSchema = z.string().default(SAMPLER_IDS.join(',')).transform((list, ctx): SamplerId[] => {
  const named = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = named.filter((s) => !isSamplerId(s));
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `unknown sampler id(s) ${unknown.join(', ')}; valid ids: ${SAMPLER_IDS.join(', ')}` });
  }
  return SAMPLER_IDS.filter((id) => named.includes(id));
});

export interface ActiveSampler {
  readonly id: SamplerId;
  readonly instance: SamplerInstance;
}

export interface CreatedSamplers {
  readonly active: ActiveSampler[];
  /** 'gpu: nvidia-smi, rocm-smi, amd-smi, npu-smi not found' and the like: reported once, the rest works. */
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
