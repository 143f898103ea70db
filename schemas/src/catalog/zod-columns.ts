import { z } from 'zod';
import type { ColumnDef, ColumnType } from './column.ts';
import { type Catalog, type TableName, catalog } from './index.ts';

type ZodBase<T extends ColumnType> = T extends 'str' | 'lc' ? z.ZodString : T extends 'str_list' ? z.ZodArray<z.ZodString> : z.ZodNumber;
type ZodColumn<D> = D extends { type: infer T extends ColumnType } ? (D extends { nullable: true } ? z.ZodNullable<ZodBase<T>> : ZodBase<T>) : never;
/** The zod shape of a table, column for column (mirrors RowOf). */
export type ZodColumns<N extends TableName> = { [K in keyof Catalog[N]['columns']]: ZodColumn<Catalog[N]['columns'][K]> };

function baseSchema(type: ColumnType): z.ZodType {
  switch (type) {
    case 'ts': case 'f64': return z.number();
    case 'str': case 'lc': return z.string();
    case 'str_list': return z.array(z.string());
    case 'i32': return z.number().int();
    case 'u32': case 'u8': return z.number().int().nonnegative();
  }
}

/**
 * A zod shape derived from a catalog table's columns, for the contracts that validate stored rows
 * (the report, the API): callers refine it (enums, ranges) instead of declaring the row again.
 */
export function zodColumns<N extends TableName>(table: N): ZodColumns<N> {
  const cols = Object.entries(catalog[table].columns) as [string, ColumnDef][];
  return Object.fromEntries(cols.map(([name, def]) => [name, def.nullable === true ? baseSchema(def.type).nullable() : baseSchema(def.type)])) as ZodColumns<N>;
}
