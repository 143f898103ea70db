/**
 * How many messages of a fetched batch go to one eachBatch call, sized so that the event loop is
 * never blocked for long enough to lose the consumer's group membership.
 *
 * kafkajs heartbeats from a timer and between our slices. A handler that works through its slice
 * synchronously (the analyzer's router decodes and re-encodes every message before it sends)
 * starves the timer; if that takes longer than the session timeout, the broker drops the member,
 * the commit fails ("the coordinator is not aware of this member"), the group rebalances and the
 * same slice comes again, just as long: on a starved CPU the consumer never moves again. On this
 * 2-core machine under a load of 30-50 (a process with ~6% of a core) a 2,000-message slice of
 * the router took over 15 s, and its group's lag stayed at 5,120 of 5,120 messages for minutes.
 * The pacer measures each slice's longest event-loop stall and shrinks the next slices in
 * proportion when it passes the budget, and grows them back when slices run quick.
 */
export class SlicePacer {
  private size: number;

  /** `budgetMs`: the longest stall allowed (a third of the session timeout leaves two heartbeats' room). */
  constructor(private readonly max: number, private readonly budgetMs: number, private readonly tickMs: number) {
    this.size = max;
  }

  /** Messages for the next slice. */
  get current(): number {
    return this.size;
  }

  /**
   * Starts `beat` every tick (the heartbeat) and measures the longest gap between ticks; the
   * returned function stops it and gives that gap, which is at least the longest stall.
   */
  watch(beat: () => void): () => number {
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      beat();
    }, this.tickMs);
    return () => {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    };
  }

  /**
   * After a slice of `messages` whose longest stall was `stallMs`: the next size. Over the budget it
   * shrinks to aim at half the budget (stall taken as proportional to the slice); a slice done in a
   * fifth of the budget lets it double, up to the configured maximum.
   */
  observe(messages: number, stallMs: number): number {
    if (stallMs > this.budgetMs) {
      this.size = Math.max(1, Math.min(this.size, Math.floor((messages * this.budgetMs) / (2 * stallMs))));
    } else if (stallMs < this.budgetMs / 5 && messages >= this.size) {
      this.size = Math.min(this.max, this.size * 2);
    }
    return this.size;
  }
}
