import { cpuBound } from './cpu_bound/index.ts';
import { cpuInterference } from './cpu_interference/index.ts';
import type { DetectorDef } from './detector.ts';
import { filesystemStall } from './filesystem_stall/index.ts';
import { gpuBound } from './gpu_bound/index.ts';
import { gpuIdle } from './gpu_idle/index.ts';
import { gpuUnderutilized } from './gpu_underutilized/index.ts';
import { hardwareFault } from './hardware_fault/index.ts';
import { idle } from './idle/index.ts';
import { ioBound } from './io_bound/index.ts';
import { ioMetadataBound } from './io_metadata_bound/index.ts';
import { loadImbalance } from './load_imbalance/index.ts';
import { lowCpuUtilization } from './low_cpu_utilization/index.ts';
import { memoryLeak } from './memory_leak/index.ts';
import { memoryPressure } from './memory_pressure/index.ts';
import { metricOutlier } from './metric_outlier/index.ts';
import { networkBound } from './network_bound/index.ts';
import { oomKilled } from './oom_killed/index.ts';
import { oversubscription } from './oversubscription/index.ts';
import { processCrashed } from './process_crashed/index.ts';
import { slowNode } from './slow_node/index.ts';

/**
 * Every detector, keyed by the finding kind it raises. `regression` is decided at run end
 * against the app model (model/regression.ts); `memory_bandwidth_bound` needs PMU counters
 * and is reported as undeterminable where there are none (report/build-report.ts).
 */
export const detectorRegistry = {
  cpu_bound: cpuBound,
  low_cpu_utilization: lowCpuUtilization,
  oversubscription,
  cpu_interference: cpuInterference,
  io_bound: ioBound,
  io_metadata_bound: ioMetadataBound,
  idle,
  memory_leak: memoryLeak,
  memory_pressure: memoryPressure,
  slow_node: slowNode,
  load_imbalance: loadImbalance,
  gpu_bound: gpuBound,
  gpu_underutilized: gpuUnderutilized,
  gpu_idle: gpuIdle,
  network_bound: networkBound,
  hardware_fault: hardwareFault,
  metric_outlier: metricOutlier,
  oom_killed: oomKilled,
  process_crashed: processCrashed,
  filesystem_stall: filesystemStall,
} as const satisfies Record<string, DetectorDef>;

export const DETECTORS: readonly DetectorDef[] = Object.values(detectorRegistry);
