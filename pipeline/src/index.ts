export * from './bus/types.ts';
export * from './store/types.ts';
export * from './ingest/stage.ts';
export * from './ingest/decode.ts';
export * from './ingest/ingest-service.ts';
export * from './telemetry/counters.ts';
export * from './open.ts';
export * from './export/otlp-export-service.ts';
