import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import {
  type Row, type SqlDialect, type StoreCapabilities, type TableName, columnNames, createDistributedTableSql, createTableSql, dialectFor,
  ident, localTableName, onCluster, tableNames, tryDecodeBatch, DataError, encodeBatch, admitStream, spliceStreams, CompactScratch,
} from '@runlens/schemas';
import type { Table } from 'apache-arrow';
import { Readable } from 'node:stream';
import type { QueryParam, Store } from '../types.ts';
import { addMissingColumns } from '../add-missing-columns.ts';
import { insertPieces } from '../insert-pieces.ts';
import { sortKeyDrift } from '../sort-key-drift.ts';
import { bindParams } from './binder.ts';
import { toNative } from './native.ts';
import { toRowBinary } from './row-binary.ts';
import { probeCapabilities } from './capabilities.ts';
import { CLUSTER_SETTINGS, createClusterDatabase, probeCluster } from './cluster.ts';
import { classifyClickHouseError } from '../classify.ts';
import { classifyConnectError } from './connect-error.ts';

export interface ClickHouseStoreOptions {
  readonly url: string;
  readonly database: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM CA for an `https://` url signed by a private CA; without it the system CAs apply. */
  readonly caCertPem?: string;
  /**
   * A cluster in the server's remote_servers: tables become ReplicatedReplacingMergeTree
   * `<name>_local` on every replica with a Distributed table under the catalog's name, which
   * every read and write goes through. Absent: one server, plain ReplacingMergeTree.
   */
  readonly cluster?: string;
}

/**
 * A ClickHouse server over HTTP. Capabilities are probed once at connect; DDL, insert
 * format and parameter binding follow them: ArrowStream and server-side parameters on
 * modern servers, Native (written from the Arrow buffers; RowBinary where Native does not
 * apply) and the safe binder on old ones (Debian's 18.16).
 */
export class ClickHouseStore implements Store {
  readonly kind = 'clickhouse';
  readonly sql: SqlDialect;
  private readonly lcColumns = new Map<TableName, Promise<ReadonlySet<string>>>();
  /** The Native writer's join buffer, kept from one insert to the next (toNative uses it synchronously). */
  private readonly joinScratch = new CompactScratch();

  private constructor(private readonly client: ClickHouseClient, readonly database: string, readonly capabilities: StoreCapabilities) {
    this.sql = dialectFor(capabilities);
  }

  static async connect(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const database = ident(opts.database);
    // Failures are classified and reported by the caller; the client's own error log would repeat them.
    const base = {
      url: opts.url, username: opts.username ?? 'default', password: opts.password ?? '', request_timeout: 60_000, log: { level: ClickHouseLogLevel.OFF },
      ...(opts.caCertPem === undefined ? {} : { tls: { ca_cert: Buffer.from(opts.caCertPem) } }),
    };
    const bootstrap = createClient(base);
    try {
      let caps: StoreCapabilities;
      if (opts.cluster === undefined) {
        await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
        caps = await probeCapabilities(bootstrap, database);
      } else {
        const cluster = await probeCluster(bootstrap, opts.cluster);
        const distributedDdl = await createClusterDatabase(bootstrap, database, cluster.name);
        caps = { ...await probeCapabilities(bootstrap, database), cluster: { ...cluster, onCluster: distributedDdl } };
      }
      const client = createClient({
        ...base, database,
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0, ...(caps.cluster ? CLUSTER_SETTINGS : {}) },
      });
      return new ClickHouseStore(client, database, caps);
    } catch (e) {
      throw classifyConnectError(e);
    } finally {
      await bootstrap.close();
    }
  }

  async migrate(): Promise<string[]> {
    this.lcColumns.clear();
    const warnings: string[] = [];
    const caps = this.capabilities;
    const query = (sql: string, p: Record<string, string>): Promise<{ name: string }[]> => this.query(sql, p);
    for (const t of tableNames) {
      // On a cluster the catalog's name is the Distributed table; both it and `<name>_local` evolve.
      const physical = caps.cluster ? [localTableName(t), t] : [t];
      await this.command(createTableSql(t, caps, this.database));
      if (caps.cluster) await this.command(createDistributedTableSql(t, caps, this.database));
      for (const name of physical) {
        await addMissingColumns(t, this.database, caps, query, (sql) => this.command(sql), { physical: name, onCluster: onCluster(caps) });
      }
      const drift = await sortKeyDrift(t, this.database, (sql, p) => this.query(sql, p), physical[0]);
      if (drift) warnings.push(drift);
    }
    if (caps.cluster && !caps.cluster.onCluster) {
      warnings.push(`cluster ${caps.cluster.name}: this server takes no ON CLUSTER DDL; run migrate against every server of the cluster`);
    }
    return warnings;
  }

  async insertArrow(table: TableName, ipc: Uint8Array | readonly Uint8Array[], decodedTable?: Table): Promise<void> {
    const streams = ipc instanceof Uint8Array ? [ipc] : ipc;
    if (streams.length === 0) return;
    const into = `INSERT INTO ${this.database}.${table} (${columnNames(table).join(', ')})`;
    try {
      if (this.capabilities.arrowInput) {
        // The pieces go to the socket as they are: no joined copy.
        for (const s of insertPieces(table, streams)) await this.exec(`${into} FORMAT ArrowStream`, s.pieces);
        return;
      }
      const lc = await this.lowCardinalityColumns(table);
      const native = (): Buffer | null => toNative(table, streams, this.capabilities, lc, this.joinScratch);
      const block = native() ?? (streams.every((s) => admitStream(table, s)) ? native() : null);
      if (block) {
        await this.exec(`${into} FORMAT Native`, [block]);
        return;
      }
      // Native does not apply (a stream not accepted, or compressed): one RowBinary insert per spliced stream.
      for (const s of spliceStreams(streams)) {
        const decoded = (streams.length === 1 ? decodedTable : undefined) ?? tryDecodeBatch(s)?.table;
        if (!decoded) throw new DataError('undecodable_arrow', `insert into ${table}`);
        await this.exec(`${into} FORMAT RowBinary`, [toRowBinary(table, decoded, this.capabilities)]);
      }
    } catch (e) {
      throw e instanceof DataError ? e : classifyClickHouseError(e, `insert ${table}`);
    }
  }

  /**
   * The table's LowCardinality columns, asked once per table (migrate asks again): a Native block
   * must name the table's own types, and a table created before the server allowed LowCardinality
   * keeps String for those columns.
   */
  private lowCardinalityColumns(table: TableName): Promise<ReadonlySet<string>> {
    let known = this.lcColumns.get(table);
    if (!known) {
      known = this.query<{ name: string; type: string }>(
        'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String}', { db: this.database, t: table },
      ).then((rows) => {
        if (rows.length === 0) this.lcColumns.delete(table); // no such table yet: ask again next time
        return new Set(rows.filter((r) => r.type.startsWith('LowCardinality')).map((r) => r.name));
      });
      known.catch(() => this.lcColumns.delete(table));
      this.lcColumns.set(table, known);
    }
    return known;
  }

  private async exec(query: string, body: readonly Uint8Array[]): Promise<void> {
    const values = Readable.from(body.map((b) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength))));
    const r = await this.client.exec({ query, values });
    r.stream.resume();
  }

  async insertRows<N extends TableName>(table: N, rows: readonly Row<N>[]): Promise<void> {
    // One typed path: JSON numbers are ambiguous for DateTime64, and Native from Arrow is faster.
    if (rows.length > 0) await this.insertArrow(table, encodeBatch(table, rows));
  }

  async query<T>(sql: string, params: Readonly<Record<string, QueryParam>> = {}): Promise<T[]> {
    const server = this.capabilities.queryParameters;
    try {
      const rs = await this.client.query({ query: server ? sql : bindParams(sql, params), format: 'JSONEachRow', ...(server ? { query_params: { ...params } } : {}) });
      return await rs.json<T>();
    } catch (e) {
      throw e instanceof DataError ? e : classifyClickHouseError(e, 'query');
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async command(query: string): Promise<void> {
    try {
      await this.client.command({ query });
    } catch (e) {
      throw classifyClickHouseError(e, 'command');
    }
  }
}
