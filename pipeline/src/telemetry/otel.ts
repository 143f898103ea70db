import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ComponentCounters } from './counters.ts';

export interface TelemetryOptions {
  readonly service: string;
  /** Base URL of an OTLP/HTTP receiver; /v1/metrics is appended. (Prometheus: bin's /metrics endpoint.) */
  readonly otlpEndpoint: string;
}

export interface Telemetry {
  /** Batch latency from fetch to durable write, observed in ms, exported in s. */
  recordBatch(ms: number, rows: number): void;
  shutdown(): Promise<void>;
}

/**
 * Self-telemetry over OTLP (RUNLENS_OTLP_ENDPOINT), through OpenTelemetry: the component counters (received, sent, errors,
 * discarded by reason), consumer lag and batch latency,. Counters are read at collection time: nothing is done per row.
 */
export function startTelemetry(opts: TelemetryOptions, counters: ComponentCounters, lag: () => Promise<number>): Telemetry {
  const url = `${opts.otlpEndpoint.replace(/\/+$/, '')}/v1/metrics`;
  const readers = [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis: 10_000 })];
  const sdk = new NodeSDK({ serviceName: opts.service, metricReaders: readers, instrumentations: [] });
  sdk.start();
  const meter = metrics.getMeter('runlens');
  const component = { component: counters.component };
  meter.createObservableCounter('runlens_received', { description: 'Messages received' }).addCallback((r) => r.observe(counters.received, component));
  meter.createObservableCounter('runlens_sent', { description: 'Rows durably written' }).addCallback((r) => r.observe(counters.sent, component));
  meter.createObservableCounter('runlens_errors', { description: 'Errors by stage' }).addCallback((r) => {
    for (const [stage, n] of counters.errors) r.observe(n, { ...component, stage });
  });
  meter.createObservableCounter('runlens_discarded', { description: 'Messages discarded, by reason' }).addCallback((r) => {
    for (const [reason, n] of counters.discarded) r.observe(n, { ...component, reason });
  });
  meter.createObservableGauge('runlens_condition', { description: 'Raised self-alerts (1), by condition and reason' }).addCallback((r) => {
    for (const [condition, c] of counters.conditions) r.observe(1, { ...component, condition, reason: c.reason });
  });
  meter.createObservableGauge('runlens_consumer_lag', { description: 'Messages not yet committed' }).addCallback(async (r) => {
    r.observe(await lag().catch(() => -1), component);
  });
  const latency = meter.createHistogram('runlens_batch_duration', { description: 'Fetch to durable write', unit: 's' });
  const rowsPerBatch = meter.createHistogram('runlens_batch_rows', { description: 'Rows per batch' });
  return {
    recordBatch: (ms, rows) => {
      latency.record(ms / 1000, component);
      rowsPerBatch.record(rows, component);
    },
    shutdown: () => sdk.shutdown(),
  };
}
