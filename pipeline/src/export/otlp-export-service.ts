import {
  ComponentCounters, type Logger, OTEL_SERIES_TABLES, type OtelSeriesTable, type Row, type TableName,
  decodeMessage, messageRows, otelFindingRecord, otelSeries, topicFor,
} from '@runlens/schemas';
import type { Bus, BusBatch, Subscription } from '../bus/types.ts';
import type { OtlpExporter } from '../telemetry/otlp-exporter.ts';

export const OTLP_EXPORT_GROUP = 'runlens-otlp-export';

export interface OtlpExportOptions {
  readonly bus: Bus;
  readonly exporter: Pick<OtlpExporter, 'exportSeries' | 'exportFindings'>;
  readonly log: Logger;
  readonly group?: string;
}

const TABLES: readonly TableName[] = [...OTEL_SERIES_TABLES, 'findings'];

/**
 * Bus → OTLP: a consumer group of its own on the sample and findings topics (as the analyzer
 * has), so the export neither slows ingest nor depends on the store. A batch is committed only
 * after the receiver accepted it; while the receiver is away the batch is delivered again
 * (at-least-once, so a receiver may see a point twice after a failure).
 */
export class OtlpExportService {
  readonly counters = new ComponentCounters('otlp_export');
  private sub: Subscription | null = null;

  constructor(private readonly opts: OtlpExportOptions) {}

  async start(): Promise<void> {
    await this.opts.bus.ensureTopics(TABLES.map(topicFor));
    this.sub = await this.opts.bus.subscribe({ group: this.opts.group ?? OTLP_EXPORT_GROUP, topics: TABLES.map(topicFor), eachBatch: (b) => this.handle(b) });
  }

  lag(): Promise<number> {
    return this.opts.bus.lag(this.opts.group ?? OTLP_EXPORT_GROUP, TABLES.map(topicFor));
  }

  async stop(): Promise<void> {
    await this.sub?.stop();
    this.sub = null;
  }

  private async handle(batch: BusBatch): Promise<void> {
    const rows = new Map<TableName, Row<TableName>[]>();
    for (const msg of batch.messages) {
      this.counters.received++;
      const d = decodeMessage(msg);
      const r = d.kind === 'ok' ? messageRows(d.value) : d;
      // Ingest dead-letters what is bad; here it is only not exported.
      if (r.kind === 'drop') this.counters.discard(r.reason);
      else if (r.kind === 'dead_letter') this.counters.discard(r.code);
      else if (d.kind === 'ok') rows.set(d.value.table, [...(rows.get(d.value.table) ?? []), ...r.value]);
    }
    try {
      for (const [table, list] of rows) await this.export(table, list);
    } catch (e) {
      this.counters.error('export');
      this.opts.log.warn('OTLP export failed; the batch is delivered again', { topic: batch.topic, error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  private async export(table: TableName, rows: readonly Row<TableName>[]): Promise<void> {
    if (table === 'findings') {
      await this.opts.exporter.exportFindings((rows as Row<'findings'>[]).filter((f) => f.after_end === 0).map(otelFindingRecord));
    } else if ((OTEL_SERIES_TABLES as readonly string[]).includes(table)) {
      await this.opts.exporter.exportSeries(otelSeries(table as OtelSeriesTable, rows as Row<OtelSeriesTable>[]));
    }
    this.counters.sent += rows.length;
  }
}
