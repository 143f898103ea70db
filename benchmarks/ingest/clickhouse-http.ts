import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The server's HTTP interface through fetch. @clickhouse/client may only be imported under
 * pipeline/src/store/ (lint), and its `exec` is this same POST with a raw body.
 */
export class ClickHouseHttp {
  constructor(readonly url: string, readonly dir: string) {}

  /** The clickhouse-server pid, for /proc CPU accounting (18.16 may not write --pid-file; the launch pid is the server). */
  serverPid(): number {
    const file = ['clickhouse.pid', 'clickhouse.pid.launch'].map((f) => join(this.dir, f)).find(existsSync);
    if (!file) throw new Error(`no clickhouse pid file in ${this.dir}`);
    return Number(readFileSync(file, 'utf8').trim());
  }

  async sql(query: string, body?: Uint8Array | string): Promise<string> {
    const u = new URL(this.url);
    if (body !== undefined) u.searchParams.set('query', query);
    const res = await fetch(u, { method: 'POST', body: typeof body === 'string' || body === undefined ? (body ?? query) : new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength) });
    const text = await res.text();
    if (!res.ok) throw new Error(`clickhouse ${res.status}: ${text.slice(0, 300)}`);
    return text;
  }

  async count(table: string): Promise<number> {
    return Number((await this.sql(`SELECT count() FROM ${table}`)).trim());
  }

  /** Column names and types in table order. */
  async describe(table: string): Promise<{ name: string; type: string }[]> {
    const text = await this.sql(`DESCRIBE TABLE ${table} FORMAT JSONEachRow`);
    return text.trim().split('\n').map((l) => JSON.parse(l) as { name: string; type: string });
  }
}
