import type { Store } from '@runlens/pipeline';
import { sleep } from '@runlens/schemas';
import { expect } from 'vitest';
import { type StoredCount, storedCounts, totals } from './stored-counts.ts';

/**
 * The cluster fault tests' ledger: what the agents say they published (their `agent stopped`
 * line), keyed `host/table`, against what the store holds for the same keys, raw and FINAL.
 */
export type Ledger = Record<string, number>;

/** Per `host/table` of `tables`: rows_published from each agent's `agent stopped` line. */
export function publishedCounts(stops: readonly Record<string, unknown>[], tables: readonly string[]): Ledger {
  const out: Ledger = {};
  for (const s of stops) {
    for (const [t, n] of Object.entries(s.rows_published as Record<string, number>)) {
      if (tables.includes(t)) out[`${String(s.host)}/${t}`] = n;
    }
  }
  return out;
}

/** Per `host/table`: raw and FINAL counts. */
export async function storedPerHost(store: Store, tables: readonly string[]): Promise<Map<string, StoredCount>> {
  const out = new Map<string, StoredCount>();
  for (const t of tables) for (const [host, c] of await storedCounts(store, t, 'host')) out.set(`${host}/${t}`, c);
  return out;
}

export function finalOf(m: Map<string, StoredCount>): Ledger {
  return Object.fromEntries([...m].map(([k, c]) => [k, c.final]));
}

/** Waits until the FINAL counts of the expected keys match, then returns raw and FINAL for them. */
export async function settleStored(store: Store, tables: readonly string[], expected: Ledger, timeoutMs = 120_000): Promise<Map<string, StoredCount>> {
  const deadline = Date.now() + timeoutMs;
  const pick = async (): Promise<Map<string, StoredCount>> => new Map([...(await storedPerHost(store, tables))].filter(([k]) => k in expected));
  let got = await pick();
  while (JSON.stringify(sorted(finalOf(got))) !== JSON.stringify(sorted(expected)) && Date.now() < deadline) {
    await sleep(1000);
    got = await pick();
  }
  return got;
}

/**
 * Lost and doubled, apart: lost = published − FINAL (rows the store never got), doubled =
 * raw − FINAL (copies FINAL collapses; a lower bound, since a merge may have collapsed some).
 */
export function deliveryReport(got: Map<string, StoredCount>, expected: Ledger): { published: number; raw: number; final: number; lost: number; doubled: number; lost_by_key: Ledger } {
  const lostByKey: Ledger = {};
  for (const [k, n] of Object.entries(expected)) {
    const lost = n - (got.get(k)?.final ?? 0);
    if (lost !== 0) lostByKey[k] = lost;
  }
  const t = totals(got.values());
  const published = Object.values(expected).reduce((a, b) => a + b, 0);
  return { published, raw: t.raw, final: t.final, lost: Object.values(lostByKey).reduce((a, b) => a + Math.max(0, b), 0), doubled: t.duplicates, lost_by_key: lostByKey };
}

/** Raw ≥ FINAL == published for every key; logs lost and doubled. */
export function expectStoredOnce(what: string, got: Map<string, StoredCount>, expected: Ledger, log: (what: string, fields: Record<string, unknown>) => void): void {
  log('stored rows', { what, ...deliveryReport(got, expected) });
  expect(finalOf(got)).toEqual(expected);
  for (const c of got.values()) expect(c.raw).toBeGreaterThanOrEqual(c.final);
}

function sorted(o: Ledger): [string, number][] {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
}
