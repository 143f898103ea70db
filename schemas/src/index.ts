export * from './catalog/index.ts';
export * from './arrow.ts';
export * from './ddl.ts';
export * from './topics.ts';
export * from './findings.ts';
export * from './report.ts';
export * from './runtime/log.ts';
export * from './runtime/errors.ts';
