// The test kit's public entry point: real servers and ports, stores on both engines, catalog rows.
// Tests and benchmarks import `@runlens/pipeline/testing/index` (or a file below) and write no copy.
export * from './servers.ts';
export * from './test-stores.ts';
export * from './catalog-row.ts';
export * from './node-sample-row.ts';
export * from './small-disk.ts';
export * from './tls-certs.ts';
export * from './secure-servers.ts';
export * from './alertmanager.ts';
export * from './clickhouse-cluster.ts';
export * from './otelcol.ts';
