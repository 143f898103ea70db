/**
 * A run's whole CPU allocation: `alloc_cores` is per host (the runs catalog), so a run over
 * several hosts holds that many times it. Efficiency and the report's "of N cores" use this.
 */
export function allocatedCores(run: { readonly alloc_cores: number; readonly hosts: readonly string[] }): number {
  return run.alloc_cores * Math.max(1, run.hosts.length);
}
