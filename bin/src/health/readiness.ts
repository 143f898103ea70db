import { ConfigError, type Logger, backoffMs, sleep } from '@runlens/schemas';

/** What a role's health endpoint answers (snake_case: operators and probes read it). */
export interface HealthState {
  readonly live: true;
  readonly ready: boolean;
  readonly waiting_for: readonly string[];
}

/** Thrown by an attempt that knows more precisely what it waits for than its step's default. */
export class StillWaiting extends Error {
  override readonly name = 'StillWaiting';
  constructor(readonly condition: string, override readonly cause?: unknown) {
    super(`waiting for ${condition}`);
  }
}

/** Thrown out of a wait when the role is asked to stop before it became ready. */
export class StartupStopped extends Error {
  override readonly name = 'StartupStopped';
}

export interface WaitOptions {
  readonly baseMs?: number;
  readonly capMs?: number;
}

/**
 * A role's startup: each dependency is a step that is retried with capped, jittered
 * backoff until it succeeds. Only a ConfigError ends a wait (exit 78); anything else can
 * heal. One INFO line when a condition starts and one when it clears, never one per retry.
 */
export class Readiness {
  private readonly waiting = new Map<number, string>();
  private nextStep = 0;
  private ready = false;
  private stopping = false;
  private wake: () => void = () => undefined;
  private readonly stopped = new Promise<void>((resolve) => { this.wake = resolve; });

  constructor(private readonly log: Logger) {}

  state(): HealthState {
    return { live: true, ready: this.ready && this.waiting.size === 0, waiting_for: [...this.waiting.values()] };
  }

  markReady(): void {
    this.ready = true;
  }

  /** Ends every wait in progress with StartupStopped (shutdown before readiness). */
  stop(): void {
    this.stopping = true;
    this.wake();
  }

  /** Runs `attempt` until it resolves; `condition` names what a failure means ("ClickHouse at …"). */
  async until<T>(condition: string, attempt: () => Promise<T>, opts: WaitOptions = {}): Promise<T> {
    const step = this.nextStep++;
    const since = Date.now();
    try {
      for (let i = 0; ; i++) {
        if (this.stopping) throw new StartupStopped(`stopped while waiting for ${this.waiting.get(step) ?? condition}`);
        try {
          const value = await attempt();
          const was = this.waiting.get(step);
          if (was !== undefined) this.log.info(`no longer waiting for ${was}`, { condition: was, waited_ms: Date.now() - since });
          return value;
        } catch (e) {
          if (e instanceof ConfigError) throw e;
          this.note(step, e instanceof StillWaiting ? e.condition : condition, e);
        }
        await Promise.race([sleep(backoffMs(i, opts.baseMs ?? 250, opts.capMs ?? 10_000)), this.stopped]);
      }
    } finally {
      this.waiting.delete(step);
    }
  }

  private note(step: number, condition: string, e: unknown): void {
    const detail = describe(e instanceof StillWaiting ? e.cause ?? e : e);
    if (this.waiting.get(step) === condition) {
      this.log.debug(`still waiting for ${condition}`, { condition, error: detail });
      return;
    }
    this.waiting.set(step, condition);
    this.log.info(`waiting for ${condition}`, { condition, error: detail });
  }
}

function describe(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}
