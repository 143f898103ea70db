import type { ClickHouseClient } from '@clickhouse/client';
import type { StoreCapabilities } from '@runlens/schemas';

async function works(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch {
    return false;
  }
}

/**
 * What this server accepts, found by trying (cheap statements on a throwaway table), not
 * by parsing version numbers: forks and backports make version tables lie.
 */
export async function probeCapabilities(client: ClickHouseClient, database: string): Promise<StoreCapabilities> {
  const rs = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
  const version = ((await rs.json<{ v: string }>())[0]?.v) ?? 'unknown';
  const probe = `${database}.runlens_probe_${process.pid}_${Date.now()}`;
  const ddl = async (cols: string, tail = ''): Promise<void> => {
    await client.command({ query: `CREATE TABLE ${probe} (${cols}) ENGINE = MergeTree() ORDER BY tuple() ${tail}` });
    await client.command({ query: `DROP TABLE IF EXISTS ${probe}` });
  };
  const select = (query: string, params?: Record<string, unknown>) => async (): Promise<void> => {
    const r = await client.query({ query, format: 'JSONEachRow', ...(params ? { query_params: params } : {}) });
    await r.json();
  };
  const caps: StoreCapabilities = {
    version,
    dateTime64: await works(select("SELECT toDateTime64('2020-01-01 00:00:00', 3) AS t")),
    codecs: await works(() => ddl('x UInt64 CODEC(T64, ZSTD(1))')),
    ttl: await works(() => ddl('d DateTime', 'TTL d + INTERVAL 1 DAY')),
    lowCardinality: await works(() => ddl('s LowCardinality(String)')),
    queryParameters: await works(select('SELECT {p:UInt8} AS p', { p: 1 })),
    arrowInput: await hasArrowInput(client),
  };
  await client.command({ query: `DROP TABLE IF EXISTS ${probe}` }).catch(() => undefined);
  return caps;
}

async function hasArrowInput(client: ClickHouseClient): Promise<boolean> {
  try {
    const rs = await client.query({ query: "SELECT count() AS n FROM system.formats WHERE name = 'ArrowStream' AND is_input", format: 'JSONEachRow' });
    return Number((await rs.json<{ n: string | number }>())[0]?.n ?? 0) > 0;
  } catch {
    return false; // no system.formats: far older than Arrow support
  }
}
