/**
 * The counts every component keeps (Vector's component spec): received, sent (after
 * success only), errors by stage, discarded by reason. Label values come from small sets.
 */
export class ComponentCounters {
  received = 0;
  sent = 0;
  readonly errors = new Map<string, number>();
  readonly discarded = new Map<string, number>();
  /**
   * Conditions an operator must act on (e.g. `store_unavailable`), each with a reason from a
   * small set and when it began. A health endpoint or a gauge reads them; cleared when over.
   */
  readonly conditions = new Map<string, { readonly reason: string; readonly since_ms: number }>();

  constructor(readonly component: string) {}

  error(stage: string): void {
    this.errors.set(stage, (this.errors.get(stage) ?? 0) + 1);
  }

  discard(reason: string, n = 1): void {
    this.discarded.set(reason, (this.discarded.get(reason) ?? 0) + n);
  }

  /** Raises a condition; true when it is new or its reason changed (time to alert). */
  raise(condition: string, reason: string): boolean {
    const now = this.conditions.get(condition);
    if (now?.reason === reason) return false;
    this.conditions.set(condition, { reason, since_ms: now?.since_ms ?? Date.now() });
    return true;
  }

  /** Clears a condition and returns what it was, or undefined if it was not raised. */
  clear(condition: string): { readonly reason: string; readonly since_ms: number } | undefined {
    const was = this.conditions.get(condition);
    this.conditions.delete(condition);
    return was;
  }

  snapshot(): Record<string, unknown> {
    return {
      component: this.component, received: this.received, sent: this.sent,
      errors: Object.fromEntries(this.errors), discarded: Object.fromEntries(this.discarded),
      conditions: Object.fromEntries(this.conditions),
    };
  }
}
