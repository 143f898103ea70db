import type { HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { type OtelFindingRecord, type OtelHostSeries, type OtelMetric, RetryableError } from '@runlens/schemas';

export interface OtlpExporterOptions {
  /** Base URL of an OTLP/HTTP receiver (RUNLENS_OTLP_ENDPOINT); /v1/metrics and /v1/logs are appended. */
  readonly endpoint: string;
  readonly service: string;
  readonly timeoutMs?: number;
}

const SCOPE = { name: 'runlens', version: '1' };
const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

function metricData(m: OtelMetric): MetricData {
  const descriptor = { name: m.name, description: m.description, unit: m.unit, valueType: ValueType.DOUBLE };
  const dataPoints = m.points.map((p) => ({ startTime: hr(p.startMs), endTime: hr(p.endMs), attributes: p.attributes, value: p.value }));
  return m.kind === 'gauge'
    ? { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints }
    : { descriptor, aggregationTemporality: AggregationTemporality.DELTA, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints };
}

/**
 * The collected series and findings over OTLP/HTTP in protobuf, through OpenTelemetry JS's own
 * exporters and serializer. The samples already carry their times, so they are handed to the
 * exporters as finished ResourceMetrics (one resource per host) instead of through instruments.
 * A refused or failed export throws a RetryableError: the caller's batch is delivered again.
 */
export class OtlpExporter {
  private readonly metrics: OTLPMetricExporter;
  private readonly logs: OTLPLogExporter;
  private readonly resources = new Map<string, Resource>();

  constructor(private readonly opts: OtlpExporterOptions) {
    const base = opts.endpoint.replace(/\/+$/, '');
    const timeoutMillis = opts.timeoutMs ?? 10_000;
    this.metrics = new OTLPMetricExporter({ url: `${base}/v1/metrics`, timeoutMillis, temporalityPreference: AggregationTemporality.DELTA });
    this.logs = new OTLPLogExporter({ url: `${base}/v1/logs`, timeoutMillis });
  }

  private resource(host: string): Resource {
    let r = this.resources.get(host);
    if (!r) {
      r = resourceFromAttributes({ 'service.name': this.opts.service, ...(host ? { 'host.name': host } : {}) });
      this.resources.set(host, r);
    }
    return r;
  }

  async exportSeries(series: readonly OtelHostSeries[]): Promise<void> {
    const batch: ResourceMetrics[] = series.filter((s) => s.metrics.length > 0)
      .map((s) => ({ resource: this.resource(s.host), scopeMetrics: [{ scope: SCOPE, metrics: s.metrics.map(metricData) }] }));
    for (const rm of batch) await settle('metrics', (cb) => this.metrics.export(rm, cb));
  }

  async exportFindings(records: readonly OtelFindingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = hr(Date.now());
    const logs: ReadableLogRecord[] = records.map((r) => ({
      hrTime: hr(r.timeMs), hrTimeObserved: now, severityNumber: r.severityNumber, severityText: r.severityText, body: r.body,
      eventName: 'runlens.finding', resource: this.resource(r.host), instrumentationScope: SCOPE, attributes: r.attributes, droppedAttributesCount: 0,
    }));
    await settle('logs', (cb) => this.logs.export(logs, cb));
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.metrics.shutdown(), this.logs.shutdown()]);
  }
}

function settle(signal: string, run: (cb: (r: ExportResult) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    run((r) => r.code === ExportResultCode.SUCCESS ? resolve()
      : reject(new RetryableError(`OTLP ${signal} export failed: ${r.error?.message ?? 'refused'}`)));
  });
}
