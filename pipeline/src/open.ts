import type { KafkaBusOptions } from './bus/kafka/index.ts';
import type { Logger } from '@runlens/schemas';
import type { Bus } from './bus/types.ts';
import type { OtlpExportService } from './export/otlp-export-service.ts';
import type { ChdbStoreOptions } from './store/chdb/index.ts';
import type { ClickHouseStoreOptions } from './store/clickhouse/index.ts';
import type { Store } from './store/types.ts';
import type { ComponentCounters } from './telemetry/counters.ts';
import type { Telemetry, TelemetryOptions } from './telemetry/otel.ts';

/*
 * Heavy parts load on demand: chDB costs ~190 MB RSS and the agent must never load it;
 * kafkajs, @clickhouse/client and the OpenTelemetry SDK only load in the roles that use them.
 */

export async function openChdbStore(opts: ChdbStoreOptions): Promise<Store> {
  const { ChdbStore } = await import('./store/chdb/index.ts');
  const store = new ChdbStore(opts);
  await store.migrate();
  return store;
}

/** Connects and probes capabilities; does not migrate (that is `runlens migrate` or ingest's start). */
export async function openClickHouseStore(opts: ClickHouseStoreOptions): Promise<Store> {
  const { ClickHouseStore } = await import('./store/clickhouse/index.ts');
  return ClickHouseStore.connect(opts);
}

export async function openKafkaBus(opts: KafkaBusOptions): Promise<Bus> {
  const { KafkaBus } = await import('./bus/kafka/index.ts');
  return new KafkaBus(opts);
}

export async function openTelemetry(opts: TelemetryOptions, counters: ComponentCounters, lag: () => Promise<number>): Promise<Telemetry> {
  const { startTelemetry } = await import('./telemetry/otel.ts');
  return startTelemetry(opts, counters, lag);
}

export { MemoryBus } from './bus/memory/index.ts';
export type { BusCompression, KafkaBusOptions } from './bus/kafka/index.ts';
export type { KafkaSecurity } from './bus/kafka/security.ts';
export type { ClickHouseStoreOptions } from './store/clickhouse/index.ts';
export type { Telemetry } from './telemetry/otel.ts';

export interface OpenOtlpExportOptions { readonly bus: Bus; readonly endpoint: string; readonly service: string; readonly log: Logger; readonly group?: string }
export interface OtlpExport { readonly service: OtlpExportService; shutdown(): Promise<void> }

/** The OTLP exporter of series and findings (RUNLENS_OTLP_ENDPOINT): loads the OpenTelemetry SDK only when configured. */
export async function openOtlpExport(opts: OpenOtlpExportOptions): Promise<OtlpExport> {
  const { OtlpExporter } = await import('./telemetry/otlp-exporter.ts');
  const { OtlpExportService } = await import('./export/otlp-export-service.ts');
  const exporter = new OtlpExporter({ endpoint: opts.endpoint, service: opts.service });
  const service = new OtlpExportService({ bus: opts.bus, exporter, log: opts.log, ...(opts.group ? { group: opts.group } : {}) });
  return { service, shutdown: () => exporter.shutdown() };
}
