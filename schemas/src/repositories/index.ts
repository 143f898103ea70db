// The read side of the store: every query over the stored tables, one module per table family.
// Each function takes the Store first, binds values as {name:Type} parameters and works on both
// chDB and a ClickHouse 18.16 server (time columns through store.sql).
export * from './apps.ts';
export * from './catalog-rows.ts';
export * from './findings.ts';
export * from './gpu-samples.ts';
export * from './node-events.ts';
export * from './mpi-samples.ts';
export * from './node-profiles.ts';
export * from './node-samples.ts';
export * from './ops.ts';
export * from './process-samples.ts';
export * from './run-list.ts';
export * from './run-seconds.ts';
export * from './run-series.ts';
export * from './run-summaries.ts';
export * from './run-logs.ts';
export * from './runs.ts';
export * from './run-metrics.ts';
export * from './selection.ts';
export * from './jobs.ts';
