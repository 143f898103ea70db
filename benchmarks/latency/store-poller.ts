import type { Bus, Store, Subscription } from '@runlens/pipeline';
import { type FindingKind, readRows, topicFor } from '@runlens/schemas';
import { sleep } from './procs.ts';

/** Only the recent past is scanned, so a FINAL read stays small however long the bench runs. */
const LOOKBACK_MS = 20_000;

/**
 * Polls the store the way a reader would (FINAL reads through the Store interface) and records,
 * for every (host, sample ts) of `process_samples`, when it was first seen minus its ts; and,
 * for every run, when a finding of `kind` first appeared in the `findings` table. A row is
 * stamped with the start of the first query that returned it: it became visible at most one
 * poll period earlier, so the numbers overstate latency by half a period on average.
 */
export class StorePoller {
  readonly visibleMs: number[] = [];
  readonly findingsSeen = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly periods: number[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private startedAt = 0;
  errors = 0;
  lastError = '';

  constructor(private readonly store: Store, private readonly kind: FindingKind, private readonly periodMs = 100) {}

  start(): void {
    this.running = true;
    this.startedAt = Date.now();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Mean time between the starts of two polls (ms). */
  meanPeriodMs(): number | null {
    return this.periods.length ? this.periods.reduce((a, b) => a + b, 0) / this.periods.length : null;
  }

  /** Resolves once any sample has been seen in the store; throws after `timeoutMs`. */
  async firstSample(timeoutMs: number, what: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.visibleMs.length === 0) {
      if (Date.now() > deadline) throw new Error(`no sample reached the store within ${timeoutMs} ms (poll errors ${this.errors}: ${this.lastError})\n${what()}`);
      await sleep(100);
    }
  }

  private async run(): Promise<void> {
    let prev = 0;
    while (this.running) {
      const t0 = Date.now();
      if (prev > 0) this.periods.push(t0 - prev);
      prev = t0;
      try {
        await this.pollSamples(t0);
        await this.pollFindings(t0);
      } catch (e) {
        this.errors++;
        this.lastError = String(e);
      }
      await sleep(Math.max(0, this.periodMs - (Date.now() - t0)));
    }
  }

  private async pollSamples(t0: number): Promise<void> {
    const ms = this.store.sql.ms('ts');
    const rows = await this.store.query<{ host: string; t: number | string }>(
      `SELECT host, ${ms} AS t FROM process_samples FINAL WHERE ts >= ${this.store.sql.fromMs('since')} GROUP BY host, t`,
      { since: Math.max(this.startedAt, t0 - LOOKBACK_MS) });
    for (const r of rows) {
      const key = `${r.host}|${r.t}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.visibleMs.push(t0 - Number(r.t));
    }
  }

  private async pollFindings(t0: number): Promise<void> {
    const rows = await this.store.query<{ run_id: string }>('SELECT DISTINCT run_id FROM findings FINAL WHERE kind = {kind:String}', { kind: this.kind });
        for (const r of rows) if (!this.findingsSeen.has(r.run_id)) this.findingsSeen.set(r.run_id, t0);
  }
}

/** Every finding published on the bus, with the time this process received it. */
export async function captureFindings(bus: Bus, group: string, into: { run_id: string; kind: string; at: number }[]): Promise<Subscription> {
  return bus.subscribe({
    group, topics: [topicFor('findings')], eachBatch: async (b) => {
      const at = Date.now();
      for (const m of b.messages) {
        for (const f of readRows(m, 'findings')) into.push({ run_id: f.run_id, kind: f.kind, at });
      }
    },
  });
}
