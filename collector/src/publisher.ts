import { type Row, SCHEMA_VERSION, type TableName, encodeBatch, topicFor } from '@runlens/schemas';
import type { BusProducer } from '@runlens/pipeline';

/**
 * Encodes rows of one table as one Arrow batch and sends it keyed by host, with the
 * headers ingest needs for deduplication: agent id and a per-agent sequence number.
 */
export class BatchPublisher {
  private seq = 0;
  batches = 0;
  /** Rows handed to the bus, per table: what ingest must end up storing. */
  readonly rows = new Map<string, number>();

  constructor(private readonly producer: BusProducer, private readonly agentId: string, private readonly host: string) {}

  async publish<N extends TableName>(table: N, rows: readonly Row<N>[]): Promise<void> {
    if (rows.length === 0) return;
    const headers = { schema_version: String(SCHEMA_VERSION), agent_id: this.agentId, seq: String(this.seq++), table };
    await this.producer.send(topicFor(table), [{ key: this.host, value: encodeBatch(table, rows), headers }]);
    this.batches++;
    this.rows.set(table, (this.rows.get(table) ?? 0) + rows.length);
  }
}
