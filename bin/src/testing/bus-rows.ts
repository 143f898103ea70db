import type { Bus } from '@runlens/pipeline';
import { MessageEncoder, type Row, type TableName, decodeMessage, messageRows, topicFor } from '@runlens/schemas';

/** Sends rows as an agent does, one message per call keyed as given (by host; a run's own row by run id). */
export function agentSender(bus: Bus, agentId = 'agents'): <N extends TableName>(table: N, rows: readonly Row<N>[], key: string) => Promise<void> {
  const enc = new MessageEncoder(agentId);
  return async (table, rows, key) => {
    const m = enc.encode(table, rows, key);
    await bus.producer().send(m.topic, [m]);
  };
}

/** What is published on the topics of `tables` from now on, decoded with the one wire reader, by table as it arrives. */
export async function capturedRows(bus: Bus, tables: readonly TableName[]): Promise<Map<TableName, Row<TableName>[]>> {
  const out = new Map<TableName, Row<TableName>[]>();
  await bus.subscribe({
    group: `capture-${tables.join('-')}`, topics: tables.map(topicFor), eachBatch: async (b) => {
      for (const m of b.messages) {
        const d = decodeMessage(m);
        const rows = d.kind === 'ok' ? messageRows(d.value) : null;
        if (d.kind === 'ok' && rows?.kind === 'ok') out.set(d.value.table, [...(out.get(d.value.table) ?? []), ...rows.value]);
      }
    },
  });
  return out;
}
