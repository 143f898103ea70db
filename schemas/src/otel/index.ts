export * from './otel-series.ts';
export * from './otel-findings.ts';
