import { type StoreCapabilities, type TableName, catalog, columnType, ident } from '@runlens/schemas';

/**
 * Additive schema evolution: columns the catalog gained since a table was created are
 * added with ALTER TABLE … ADD COLUMN (works on 18.16 and on current servers alike).
 * Removing or retyping a column is a new table version, never done here.
 */
export async function addMissingColumns(
  table: TableName, database: string, caps: StoreCapabilities,
  query: (sql: string, params: Record<string, string>) => Promise<{ name: string }[]>,
  exec: (sql: string) => Promise<void>,
  /** On a cluster: the table to alter (`<name>_local` or the Distributed one) and ` ON CLUSTER c`. */
  target: { readonly physical: string; readonly onCluster: string } = { physical: table, onCluster: '' },
): Promise<string[]> {
  const existing = new Set((await query(
    'SELECT name FROM system.columns WHERE database = {db:String} AND table = {t:String}', { db: database, t: target.physical })).map((r) => r.name));
  const added: string[] = [];
  for (const [name, def] of Object.entries(catalog[table].columns)) {
    if (existing.has(name)) continue;
    await exec(`ALTER TABLE ${ident(database)}.${ident(target.physical)}${target.onCluster} ADD COLUMN ${ident(name)} ${columnType(def, caps)}`);
    added.push(name);
  }
  return added;
}
