import type { StoreCapabilities } from './ddl.ts';

/**
 * The few places where SQL differs between ClickHouse versions. Queries build on these
 * (code constants, never user input) so one query text serves chDB 26.x and a 18.16 server.
 */
export interface SqlDialect {
  /** A `ts` column (or expression) as epoch milliseconds. */
  ms(expr: string): string;
  /** An epoch-milliseconds parameter placeholder compared with a `ts` column. */
  fromMs(param: string): string;
}

export function dialectFor(caps: StoreCapabilities): SqlDialect {
  return caps.dateTime64
    ? { ms: (e) => `toUnixTimestamp64Milli(${e})`, fromMs: (p) => `fromUnixTimestamp64Milli({${p}:Int64})` }
    : { ms: (e) => `toInt64(${e})`, fromMs: (p) => `{${p}:Int64}` };
}
