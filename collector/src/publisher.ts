import { ComponentCounters, MessageEncoder, type TableName, type TableRows } from '@runlens/schemas';
import type { BusProducer } from '@runlens/pipeline';

/** Sends rows of one table as one message keyed by host, so each node's samples stay in order. */
export class BatchPublisher {
  private readonly encoder: MessageEncoder;
  /** Rows handed in (received) and accepted by the bus or its spool (sent); send failures. */
  readonly counters = new ComponentCounters('publisher');
  batches = 0;
  /** Rows handed to the bus, per table: what ingest must end up storing. */
  readonly rows = new Map<string, number>();

  constructor(private readonly producer: BusProducer, agentId: string, private readonly host: string) {
    this.encoder = new MessageEncoder(agentId);
  }

  /** `headers` go beside the wire format's own (HOST_RUNS_HEADER on the host's per-tick rows). */
  async publish<N extends TableName>(table: N, rows: TableRows<N>, headers: Readonly<Record<string, string>> = {}): Promise<void> {
    if (rows.length === 0) return;
    this.counters.received += rows.length;
    const encoded = this.encoder.encode(table, rows, this.host);
    const m = { ...encoded, headers: { ...headers, ...encoded.headers } };
    await this.producer.send(m.topic, [m]).catch((e: unknown) => {
      this.counters.error('send');
      throw e;
    });
    this.counters.sent += rows.length;
    this.batches++;
    this.rows.set(table, (this.rows.get(table) ?? 0) + rows.length);
  }
}
