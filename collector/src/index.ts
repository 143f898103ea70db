export * from './agent.ts';
export * from './registry.ts';
export * from './sampler.ts';
export * from './lib/host-facts.ts';
export * from './publisher.ts';
export * from './exporters/spooling-producer.ts';
export * from './attribution/scontrol-query.ts';
export * from './attribution/scontrol-job.ts';
