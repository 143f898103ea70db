import { cpuBound } from './cpu_bound/index.ts';
import type { DetectorDef } from './detector.ts';
import { idle } from './idle/index.ts';
import { ioBound } from './io_bound/index.ts';
import { lowCpuUtilization } from './low_cpu_utilization/index.ts';
import { memoryLeak } from './memory_leak/index.ts';

/** The first rule set (issue 2); the full vocabulary lands with the streaming analyzer. */
export const detectorRegistry = {
  cpu_bound: cpuBound,
  low_cpu_utilization: lowCpuUtilization,
  io_bound: ioBound,
  idle,
  memory_leak: memoryLeak,
} as const satisfies Record<string, DetectorDef>;

export const DETECTORS: readonly DetectorDef[] = Object.values(detectorRegistry);
