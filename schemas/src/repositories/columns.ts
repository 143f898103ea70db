import { type Row, type TableName, catalog } from '../catalog/index.ts';
import { type Identity, canSeeAll } from '../auth.ts';
import type { QueryParam, Store } from '../store/store.ts';

/*
 * Pieces the repositories share. Everything spliced into SQL here is a code constant (a column
 * name, a dialect expression); values always travel as `{name:Type}` parameters.
 */

/** A nullable time column as epoch ms, NULL kept NULL. */
export function msOrNull(store: Store, column: string): string {
  return `if(isNull(${column}), NULL, ${store.sql.ms(`assumeNotNull(${column})`)})`;
}

/** JSON output may quote 64-bit integers: readers get numbers, and NULL stays null. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** Runs of `runs` the identity may see: their own, or every run for ops and admin. */
export const VISIBLE_RUNS = '({all:Bool} OR user = {me:String})';

export function visibility(id: Identity): Record<'all' | 'me', QueryParam> {
  return { all: canSeeAll(id), me: id.user };
}

/** The columns of a table the catalog types as numbers. */
function numericColumns(table: TableName): string[] {
  return Object.entries(catalog[table].columns)
    .filter(([, d]) => d.type !== 'str' && d.type !== 'lc' && d.type !== 'str_list')
    .map(([n]) => n);
}

/** A row read back as JSON, with the catalog's numeric columns turned into numbers. */
export function withCatalogNumbers<N extends TableName, R extends Partial<Row<N>>>(table: N, row: R): R {
  const o = { ...row } as Record<string, unknown>;
  for (const n of numericColumns(table)) if (o[n] !== null && o[n] !== undefined) o[n] = Number(o[n]);
  return o as R;
}

/** A table's columns with time columns as epoch ms, named as the catalog (and the bus) name them. */
export function catalogSelectList(store: Store, table: TableName): string {
  return Object.entries(catalog[table].columns)
    .map(([name, def]) => (def.type === 'ts' ? `${def.nullable ? msOrNull(store, name) : store.sql.ms(name)} AS ${name}` : name))
    .join(', ');
}
