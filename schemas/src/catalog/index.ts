import type { AnyTable, RowOf } from './column.ts';
import { cgroupSamples } from './cgroup-samples.ts';
import { deviceProfiles } from './device-profiles.ts';
import { deviceSamples } from './device-samples.ts';
import { findings } from './findings.ts';
import { gpuProcessSamples, gpuSamples } from './gpu-samples.ts';
import { ibSamples } from './ib-samples.ts';
import { mpiSamples } from './mpi-samples.ts';
import { nodeEvents } from './node-events.ts';
import { nodeProfiles } from './node-profiles.ts';
import { nodeSamples } from './node-samples.ts';
import { processSamples } from './process-samples.ts';
import { appModels, runSummaries } from './run-summaries.ts';
import { runLogs } from './run-logs.ts';
import { runMetrics } from './run-metrics.ts';
import { runs } from './runs.ts';

/** Every table, keyed by its snake_case name. The only list of tables there is. */
export const catalog = {
  runs,
  process_samples: processSamples,
  node_samples: nodeSamples,
  device_samples: deviceSamples,
  cgroup_samples: cgroupSamples,
  gpu_samples: gpuSamples,
  gpu_process_samples: gpuProcessSamples,
  ib_samples: ibSamples,
  node_profiles: nodeProfiles,
  device_profiles: deviceProfiles,
  findings,
  run_summaries: runSummaries,
  app_models: appModels,
  node_events: nodeEvents,
  mpi_samples: mpiSamples,
  run_logs: runLogs,
  run_metrics: runMetrics,
} as const;

export type Catalog = typeof catalog;
export type TableName = keyof Catalog;
export type Row<N extends TableName> = RowOf<Catalog[N]>;

export const tableNames = Object.keys(catalog) as TableName[];

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(catalog, name);
}

export function tableDef(name: TableName): AnyTable {
  return catalog[name];
}

export * from './column.ts';
export { SELF_RUN_ID } from './runs.ts';
export { RUN_LOG_LINE_MAX_CHARS, RUN_LOG_TAIL_LINES } from './run-logs.ts';
