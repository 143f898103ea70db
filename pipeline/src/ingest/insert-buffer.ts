/** When a buffer is written: whichever limit is reached first. */
export interface BufferLimits {
  /** Rows that trigger a flush at once. */
  readonly maxRows: number;
  /** Longest a batch waits in the buffer. */
  readonly maxWaitMs: number;
  /**
   * A flush also starts after this long without a new batch: a broker sends no more until the
   * batches it gave are acknowledged. Each broker's answer to a fetch arrives on its own, so this
   * is long enough for the others' answers to the same round (asked together, answered by the
   * same wait, ingest-service.ts) to join the write. It was 5 ms, from when one answer was
   * thought to hold every partition.
   */
  readonly quietMs: number;
}

/**
 * Each write is a part the store merges again later. At 100 k rows (and kafkajs's 10 MiB fetches) a
 * worker draining a backlog wrote ~70 k-row parts several times a second, which the store soon
 * merged again; at 250 k rows (~50 MB of Arrow, about one full fetch, ingest-service.ts) chDB took
 * ~0.8× the CPU per row to the same merged part, for ~110 MiB more peak RSS (benchmarks/ingest, seventh pass).
 */
export const DEFAULT_BUFFER_LIMITS: BufferLimits = { maxRows: 250_000, maxWaitMs: 1000, quietMs: 50 };

interface Pending<T> {
  readonly items: T[];
  rows: number;
  readonly waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/**
 * Batches from concurrent bus handlers, written together: `add` resolves only once the write
 * that holds its items succeeded (so the bus commits offsets only after a durable write) and
 * rejects with the write's error (so the bus redelivers those batches). Writes never overlap.
 */
export class InsertBuffer<T> {
  private pending: Pending<T> = { items: [], rows: 0, waiters: [] };
  private oldest: NodeJS.Timeout | null = null;
  private quiet: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly limits: BufferLimits, private readonly write: (items: readonly T[]) => Promise<void>) {}

  add(items: readonly T[], rows: number): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
    this.pending.items.push(...items);
    this.pending.rows += rows;
    if (this.pending.rows >= this.limits.maxRows) {
      void this.flush();
      return done;
    }
    this.oldest ??= setTimeout(() => void this.flush(), this.limits.maxWaitMs);
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = setTimeout(() => void this.flush(), this.limits.quietMs);
    return done;
  }

  /** Writes what is buffered now (shutdown); resolves when every write so far has settled. */
  async flush(): Promise<void> {
    this.clearTimers();
    const batch = this.pending;
    if (batch.waiters.length > 0) {
      this.pending = { items: [], rows: 0, waiters: [] };
      this.writing = this.writing.then(() => this.write(batch.items)).then(
        () => { for (const w of batch.waiters) w.resolve(); },
        (e: unknown) => { for (const w of batch.waiters) w.reject(e); },
      );
    }
    await this.writing;
  }

  private clearTimers(): void {
    if (this.oldest) clearTimeout(this.oldest);
    if (this.quiet) clearTimeout(this.quiet);
    this.oldest = null;
    this.quiet = null;
  }
}
