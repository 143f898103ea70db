/** The per-resource timelines of the run page, and which findings each one marks. */
export const RESOURCES = {
  cpu: { label: 'CPU', unit: 'cores', kinds: ['cpu_bound', 'low_cpu_utilization', 'oversubscription', 'cpu_interference', 'load_imbalance', 'slow_node', 'idle', 'regression'] },
  memory: { label: 'Memory (RSS)', unit: 'MiB', scale: 2 ** 20, kinds: ['memory_leak', 'memory_pressure', 'memory_bandwidth_bound'] },
  io: { label: 'Storage IO', unit: 'MiB/s', scale: 2 ** 20, kinds: ['io_bound', 'io_metadata_bound'] },
  network: { label: 'Network (IB)', unit: 'MiB/s', scale: 2 ** 20, kinds: ['network_bound', 'hardware_fault'] },
  gpu: { label: 'GPU utilisation', unit: 'ratio', kinds: ['gpu_bound', 'gpu_underutilized', 'gpu_idle', 'hardware_fault'] },
} as const satisfies Record<string, { label: string; unit: string; scale?: number; kinds: readonly string[] }>;

export type ResourceId = keyof typeof RESOURCES;
export const RESOURCE_IDS = Object.keys(RESOURCES) as ResourceId[];

export function marksResource(kind: string, resource: ResourceId): boolean {
  return (RESOURCES[resource].kinds as readonly string[]).includes(kind);
}

export function resourceScale(resource: ResourceId): number {
  const r = RESOURCES[resource];
  return 'scale' in r ? r.scale : 1;
}
