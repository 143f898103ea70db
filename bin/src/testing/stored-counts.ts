import type { Store } from '@runlens/pipeline';

/** Rows of one group (a host, a run) as stored, and as ReplacingMergeTree keeps them under FINAL. */
export interface StoredCount {
  readonly raw: number;
  readonly final: number;
}

/**
 * Counts a table's rows per `by` (a column), raw and through FINAL. At-least-once delivery
 * may store a row twice; FINAL must collapse it. raw − final is the duplicates still stored,
 * a lower bound: a background merge may already have collapsed some.
 */
export async function storedCounts(store: Store, table: string, by: string, where = '1'): Promise<Map<string, StoredCount>> {
  const count = async (final: string): Promise<Map<string, number>> => new Map(
    (await store.query<{ k: string; n: number | string }>(`SELECT ${by} AS k, count() AS n FROM ${table}${final} WHERE ${where} GROUP BY k`))
      .map((r) => [String(r.k), Number(r.n)]),
  );
  // FINAL first: it only grows (inserts add keys, merges keep them), and raw at any later moment
  // is at least FINAL then. Raw first races an insert landing between the two queries (a buffered
  // ingest write brings a host's rows all at once) and reads raw < FINAL.
  const final = await count(' FINAL');
  const raw = await count('');
  const out = new Map<string, StoredCount>();
  for (const k of new Set([...raw.keys(), ...final.keys()])) out.set(k, { raw: raw.get(k) ?? 0, final: final.get(k) ?? 0 });
  return out;
}

/** Totals over groups: raw, FINAL and the duplicates FINAL collapsed. */
export function totals(counts: Iterable<StoredCount>): { raw: number; final: number; duplicates: number } {
  let raw = 0;
  let final = 0;
  for (const c of counts) {
    raw += c.raw;
    final += c.final;
  }
  return { raw, final, duplicates: raw - final };
}
