import { describe, expect, it } from 'vitest';
import { type ProfileForType, derivedNodeType, nodeTypeOf, nodeTypesFileSchema, runCost, runNodeType } from './node-types.ts';

const cfg = nodeTypesFileSchema.parse({
  types: {
    big: { hosts: ['big-*'], price_per_node_hour: 3 },
    gpu: { partitions: ['gpu'], price_per_node_hour: 10, price_per_gpu_hour: 2 },
  },
});
const profile: ProfileForType = { cpu_model: 'Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz', logical_cpus: 2, mem_total_bytes: 24 * 2 ** 30, gpu_count: 0, gpu_models: [] };

describe('node types', () => {
  it('takes a host pattern first, then the partition, then derives a type from the profile', () => {
    expect(nodeTypeOf(cfg, 'big-07', 'gpu', profile)).toEqual({ type: 'big', configured: true });
    expect(nodeTypeOf(cfg, 'n1', 'gpu', profile)).toEqual({ type: 'gpu', configured: true });
    expect(nodeTypeOf(cfg, 'n1', '', profile)).toEqual({ type: 'Intel-Xeon-Platinum-8480+/2c/24G', configured: false });
    expect(nodeTypeOf(cfg, 'n1', '', null)).toEqual({ type: 'unknown', configured: false });
    expect(derivedNodeType({ ...profile, gpu_count: 8, gpu_models: ['NVIDIA H100 80GB HBM3'] })).toMatch(/\/8xNVIDIA-H100-80GB-HBM3$/);
  });

  it('derives fewer usable cores (cpuset, CPU quota) as another type: the same machine cut down runs slower', () => {
    expect(derivedNodeType({ ...profile, usable_cores: 0.5 })).toBe('Intel-Xeon-Platinum-8480+/0.5of2c/24G');
    expect(derivedNodeType({ ...profile, usable_cores: 2 })).toBe('Intel-Xeon-Platinum-8480+/2c/24G');
    expect(derivedNodeType({ ...profile, usable_cores: null })).toBe('Intel-Xeon-Platinum-8480+/2c/24G');
  });

  it('types a run by its hosts: one type, or the types joined with + when they differ', () => {
    const profiles = new Map([['n1', profile], ['n2', { ...profile, usable_cores: 1 }]]);
    expect(runNodeType(cfg, { hosts: ['big-1', 'big-2'], tags: [] }, profiles)).toBe('big');
    expect(runNodeType(cfg, { hosts: ['n1'], tags: ['partition=gpu'] }, profiles)).toBe('gpu');
    expect(runNodeType(cfg, { hosts: ['n1', 'n2'], tags: [] }, profiles)).toBe('Intel-Xeon-Platinum-8480+/1of2c/24G+Intel-Xeon-Platinum-8480+/2c/24G');
    expect(runNodeType(cfg, { hosts: [], tags: [] }, profiles)).toBe('unknown');
  });

  it('treats only * as a wildcard in host patterns', () => {
    const dot = nodeTypesFileSchema.parse({ types: { t: { hosts: ['a.b'] } } });
    expect(nodeTypeOf(dot, 'axb', '', null).configured).toBe(false);
    expect(nodeTypeOf(dot, 'a.b', '', null).configured).toBe(true);
  });

  it('prices a run per node-hour plus core- and GPU-hours, and has no cost without a price', () => {
    expect(runCost(cfg.types.gpu, 1800, 2, 64, 8)).toBeCloseTo(0.5 * (10 * 2 + 2 * 8));
    expect(runCost(nodeTypesFileSchema.parse({ types: { t: {} } }).types.t, 100, 1, 1, 0)).toBeNull();
  });

  it('refuses unknown keys, negative prices and bad names', () => {
    expect(nodeTypesFileSchema.safeParse({ types: { t: { price: 1 } } }).success).toBe(false);
    expect(nodeTypesFileSchema.safeParse({ types: { t: { price_per_node_hour: -1 } } }).success).toBe(false);
    expect(nodeTypesFileSchema.safeParse({ types: { 'a b': {} } }).success).toBe(false);
  });
});
