import { type Row, type TableName, tableDef } from '@runlens/schemas';

/** A full catalog row from the fields a test cares about; the rest get empty values (null where nullable). */
export function catalogRow<N extends TableName>(table: N, fields: Record<string, unknown>): Row<N> {
  const out: Record<string, unknown> = {};
  for (const [k, c] of Object.entries(tableDef(table).columns)) {
    out[k] = k in fields ? fields[k] : c.nullable ? null : c.type === 'str' || c.type === 'lc' ? '' : c.type === 'str_list' ? [] : 0;
  }
  return out as Row<N>;
}
