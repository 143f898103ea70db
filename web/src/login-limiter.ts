export interface LoginLimits {
  readonly windowMs: number;
  /** Failed sign-ins per user name within the window. */
  readonly perUser: number;
  /** Failed sign-ins per client address within the window. */
  readonly perAddress: number;
  /** Keys remembered at most; beyond it the oldest go first, so memory stays bounded. */
  readonly maxKeys: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 60_000, perUser: 5, perAddress: 20, maxKeys: 10_000 };

/** A sign-in under way: counted as a failure until `succeeded`, so parallel guesses count too. */
export interface LoginAttempt { readonly keys: readonly string[]; readonly at: number }

/**
 * Sliding-window limit on failed sign-ins, per user and per address. `retryAfterS` says how
 * long a blocked client waits (the 429's Retry-After); a blocked try is not counted again.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS, private readonly now: () => number = Date.now) {}

  /** 0 when the client may try now; otherwise whole seconds until it may. */
  retryAfterS(user: string, address: string): number {
    const t = this.now();
    const wait = Math.max(this.waitMs(userKey(user), this.limits.perUser, t), this.waitMs(addressKey(address), this.limits.perAddress, t));
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  begin(user: string, address: string): LoginAttempt {
    const attempt = { keys: [userKey(user), addressKey(address)], at: this.now() };
    for (const k of attempt.keys) {
      const log = [...this.recent(k, attempt.at), attempt.at];
      this.failures.delete(k); // re-inserted last: eviction takes the least recently used key
      this.failures.set(k, log);
    }
    this.bound();
    return attempt;
  }

  /** The right password: the attempt no longer counts, and the user's earlier failures are forgiven. */
  succeeded(attempt: LoginAttempt): void {
    const [user, address] = attempt.keys;
    if (user) this.failures.delete(user);
    const log = address ? this.failures.get(address) : undefined;
    const i = log?.lastIndexOf(attempt.at) ?? -1;
    if (log && i >= 0) log.splice(i, 1);
  }

  private waitMs(key: string, limit: number, t: number): number {
    const log = this.recent(key, t);
    return log.length < limit ? 0 : log[log.length - limit]! + this.limits.windowMs - t;
  }

  private recent(key: string, t: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > t - this.limits.windowMs);
  }

  private bound(): void {
    if (this.failures.size <= this.limits.maxKeys) return;
    const t = this.now();
    for (const [k, log] of this.failures) if (!log.some((at) => at > t - this.limits.windowMs)) this.failures.delete(k);
    for (const k of this.failures.keys()) {
      if (this.failures.size <= this.limits.maxKeys) break;
      this.failures.delete(k);
    }
  }
}

// User names are capped, so a client cannot make keys of any length.
const userKey = (user: string): string => `u:${user.slice(0, 256)}`;
const addressKey = (address: string): string => `a:${address}`;
