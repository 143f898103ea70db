import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ComponentCounters } from './counters.ts';

export interface TelemetryOptions {
  readonly service: string;
  /** Prometheus scrape endpoint on 127.0.0.1 (0: none). */
  readonly prometheusPort: number;
  readonly otlpEndpoint?: string;
}

export interface Telemetry {
  /** Batch latency, ms from fetch to durable write. */
  recordBatch(ms: number, rows: number): void;
  shutdown(): Promise<void>;
}

/**
 * Self-telemetry through OpenTelemetry: the component counters (received, sent, errors,
 * discarded by reason), consumer lag and batch latency, on a Prometheus endpoint and, when
 * configured, over OTLP. Counters are read at collection time: nothing is done per row.
 */
export function startTelemetry(opts: TelemetryOptions, counters: ComponentCounters, lag: () => Promise<number>): Telemetry {
  const readers = [];
  if (opts.prometheusPort > 0) readers.push(new PrometheusExporter({ port: opts.prometheusPort, host: '127.0.0.1' }));
  if (opts.otlpEndpoint) readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: opts.otlpEndpoint }), exportIntervalMillis: 10_000 }));
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
  const latency = meter.createHistogram('runlens_batch_latency_ms', { description: 'Fetch to durable write', unit: 'ms' });
  const rowsPerBatch = meter.createHistogram('runlens_batch_rows', { description: 'Rows per batch' });
  return {
    recordBatch: (ms, rows) => {
      latency.record(ms, component);
      rowsPerBatch.record(rows, component);
    },
    shutdown: () => sdk.shutdown(),
  };
}
