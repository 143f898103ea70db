/**
 * The counts every component keeps (Vector's component spec): received, sent (after
 * success only), errors by stage, discarded by reason. Label values come from small sets.
 */
export class ComponentCounters {
  received = 0;
  sent = 0;
  readonly errors = new Map<string, number>();
  readonly discarded = new Map<string, number>();

  constructor(readonly component: string) {}

  error(stage: string): void {
    this.errors.set(stage, (this.errors.get(stage) ?? 0) + 1);
  }

  discard(reason: string, n = 1): void {
    this.discarded.set(reason, (this.discarded.get(reason) ?? 0) + n);
  }

  snapshot(): Record<string, unknown> {
    return {
      component: this.component, received: this.received, sent: this.sent,
      errors: Object.fromEntries(this.errors), discarded: Object.fromEntries(this.discarded),
    };
  }
}
