import { CompactScratch, type Row, type StoreCapabilities, type TableName, MODERN_CAPABILITIES, RetryableError, type SqlDialect, dialectFor, catalog, columnNames, columnType, createTableSql, encodeBatch, ident, tableNames } from '@runlens/schemas';
import { Session } from 'chdb';
import { closeSync, mkdirSync, openSync, rmSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryParam, Store } from '../types.ts';
import { addMissingColumns } from '../add-missing-columns.ts';
import { insertPieces } from '../insert-pieces.ts';
import { sortKeyDrift } from '../sort-key-drift.ts';
import { classifyClickHouseError } from '../classify.ts';
import { SerialQueue } from './serial-queue.ts';

export interface ChdbStoreOptions {
  /** Persistent data directory; one process owns it (see ARCHITECTURE.md). */
  readonly path: string;
  readonly database?: string;
}

/**
 * The embedded store: ClickHouse's engine in-process. Arrow batches go in through a file
 * and `INSERT … SELECT FROM file(…, 'ArrowStream')`, the fastest path measured here.
 * chDB runs one query at a time per session, so every call goes through a queue.
 */
export class ChdbStore implements Store {
  readonly kind = 'chdb';
  readonly capabilities: StoreCapabilities = { ...MODERN_CAPABILITIES, version: 'chdb' };
  readonly sql: SqlDialect = dialectFor(this.capabilities);
  readonly database: string;
  private readonly session: Session;
  private readonly queue = new SerialQueue();
  private readonly spill: string;
  private spillSeq = 0;
  private readonly scratch = new CompactScratch();

  constructor(opts: ChdbStoreOptions) {
    mkdirSync(opts.path, { recursive: true });
    this.database = ident(opts.database ?? 'runlens');
    this.session = new Session(opts.path);
    this.spill = join(opts.path, 'spill');
    mkdirSync(this.spill, { recursive: true });
  }

  async migrate(): Promise<string[]> {
    const warnings: string[] = [];
    await this.run(`CREATE DATABASE IF NOT EXISTS ${this.database}`);
    // The session keeps its current database, so queries name tables bare.
    await this.run(`USE ${this.database}`);
    for (const t of tableNames) {
      await this.run(createTableSql(t, this.capabilities, this.database));
      await addMissingColumns(t, this.database, this.capabilities, (sql, p) => this.query(sql, p), (sql) => this.run(sql));
      const drift = await sortKeyDrift(t, this.database, (sql, p) => this.query(sql, p));
      if (drift) warnings.push(drift);
    }
    return warnings;
  }

  /**
   * Each stream is written to a spill file piece by piece (no joined copy), then inserted. The
   * compaction runs inside the queue, right before its synchronous write, so one scratch buffer
   * serves every insert (no fresh ~20 MB per flush). A stream of the catalog's schema is read with
   * the table's own types (no inference, no conversion step). optimize_on_insert = 0: sample
   * tables collapse replays at merge and under FINAL, so deduplicating each insert again cost a
   * third of the engine's insert time (engine-probe.ts).
   */
  async insertArrow(table: TableName, ipc: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const cols = columnNames(table).join(', ');
    await this.queue.run(async () => {
      for (const s of insertPieces(table, ipc instanceof Uint8Array ? [ipc] : ipc, this.scratch)) {
        const file = join(this.spill, `${process.pid}-${this.spillSeq++}.arrows`);
        const structure = s.catalogSchema ? `, '${this.structure(table)}'` : '';
        try {
          // Inside the try: on a full disk the write fails part-way and its file must not stay.
          writePieces(file, s.pieces);
          const sql = `INSERT INTO ${this.database}.${table} (${cols}) SELECT ${cols} FROM file('${file}', 'ArrowStream'${structure}) SETTINGS optimize_on_insert = 0`;
          await this.session.queryAsync(sql, { format: 'CSV' }).catch((e: unknown) => { throw classifyClickHouseError(e, `insert ${table}`); });
        } finally {
          rmSync(file, { force: true });
        }
      }
    });
  }

  /** The table's columns and types, as file()'s structure argument. */
  private structure(table: TableName): string {
    return Object.entries(catalog[table].columns).map(([c, d]) => `${c} ${columnType(d, this.capabilities)}`).join(', ');
  }

  async insertRows<N extends TableName>(table: N, rows: readonly Row<N>[]): Promise<void> {
    if (rows.length > 0) await this.insertArrow(table, encodeBatch(table, rows));
  }

  async query<T>(sql: string, params: Readonly<Record<string, QueryParam>> = {}): Promise<T[]> {
    return this.queue.run(async () => {
      const res = await this.session.queryBindAsync(sql, params, { format: 'JSONEachRow' });
      const text = res.text();
      return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as T);
    });
  }

  async close(): Promise<void> {
    await this.queue.drain();
    this.session.close();
  }

  private async run(sql: string): Promise<void> {
    await this.queue.run(async () => {
      try {
        await this.session.queryAsync(sql, { format: 'CSV' });
      } catch (e) {
        throw new RetryableError(`chdb: ${String(e)}`, e);
      }
    });
  }
}

/**
 * Writes `pieces` one after the other into a new file with writev (libuv writes them all, IOV_MAX
 * at a time). A short write is written on from where it stopped: on a disk with a little room the
 * first writev fills it and returns a count, and only the next one fails, with ENOSPC, which says
 * why (the store's failure reason, disk_full, comes from that errno).
 */
function writePieces(file: string, pieces: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    let rest = pieces;
    for (let tries = 0; rest.length > 0; tries++) {
      const done = writevSync(fd, rest as Uint8Array[]);
      if (done === 0 && tries > 0) throw new RetryableError(`chdb spill: no progress writing ${file}`);
      rest = unwritten(rest, done);
    }
  } finally {
    closeSync(fd);
  }
}

/** What is left of `pieces` after their first `done` bytes were written. */
export function unwritten(pieces: readonly Uint8Array[], done: number): readonly Uint8Array[] {
  let skip = done;
  let i = 0;
  while (i < pieces.length && skip >= (pieces[i]?.byteLength ?? 0)) skip -= pieces[i++]?.byteLength ?? 0;
  const left = pieces.slice(i);
  const first = left[0];
  if (first && skip > 0) left[0] = first.subarray(skip);
  return left;
}
