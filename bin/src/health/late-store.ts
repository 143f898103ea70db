import type { QueryParam, Store } from '@runlens/pipeline';
import { type Row, RetryableError, type SqlDialect, type StoreCapabilities, type TableName } from '@runlens/schemas';
import type { Table } from 'apache-arrow';

/**
 * A Store that exists before its database does: the dashboard serves /healthz (and 503
 * elsewhere) while it waits for ClickHouse, then `attach` hands every call to the real one.
 * Until then each call fails as an outage would, with a RetryableError.
 */
export class LateStore implements Store {
  private inner: Store | null = null;

  constructor(private readonly label: string) {}

  attach(store: Store): void {
    this.inner = store;
  }

  get kind(): Store['kind'] { return this.store().kind; }
  get capabilities(): StoreCapabilities { return this.store().capabilities; }
  get sql(): SqlDialect { return this.store().sql; }
  get database(): string { return this.store().database; }

  async migrate(): Promise<string[]> { return await this.store().migrate(); }
  async insertArrow(table: TableName, ipc: Uint8Array | readonly Uint8Array[], decoded?: Table): Promise<void> { return await this.store().insertArrow(table, ipc, decoded); }
  async insertRows<N extends TableName>(table: N, rows: readonly Row<N>[]): Promise<void> { return await this.store().insertRows(table, rows); }
  async query<T>(sql: string, params?: Readonly<Record<string, QueryParam>>): Promise<T[]> { return await this.store().query<T>(sql, params); }
  async close(): Promise<void> { await this.inner?.close(); }

  private store(): Store {
    if (!this.inner) throw new RetryableError(`store not ready: waiting for ${this.label}`);
    return this.inner;
  }
}
