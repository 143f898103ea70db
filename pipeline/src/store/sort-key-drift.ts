import { type TableName, catalog } from '@runlens/schemas';

const norm = (key: string): string => key.replace(/[\s`"()]/g, '');

/**
 * ClickHouse cannot change a table's ORDER BY in place, so `CREATE TABLE IF NOT EXISTS` keeps
 * an older deployment's sort key. This says so, once per table, instead of drifting silently:
 * the table still works (the key is also the dedup key, and any key with the sample's identity
 * dedups), but it may store and read less well than the catalog's. Null when it matches, or
 * when the server does not report sort keys.
 */
export async function sortKeyDrift(
  table: TableName, database: string,
  query: (sql: string, params: Record<string, string>) => Promise<Record<string, unknown>[]>,
  physical: string = table,
): Promise<string | null> {
  const rows = await query('SELECT sorting_key FROM system.tables WHERE database = {db:String} AND name = {t:String}', { db: database, t: physical });
  const key = rows[0]?.sorting_key;
  if (typeof key !== 'string' || key === '') return null;
  const want = catalog[table].orderBy.join(', ');
  if (norm(key) === norm(want)) return null;
  return `${physical} is sorted by (${key}); the catalog now sorts it by (${want}). `
    + 'It keeps working; to take the new order, create the table anew and INSERT … SELECT the old rows into it.';
}
