/** The three kinds of error (STYLE.md): one classifier per dependency decides which is which. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Bad data: never retried; goes to the dead-letter path or is reported to the user. */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(readonly code: string, detail: string) {
    super(`${code}: ${detail}`);
  }
}

/** An unavailable dependency: stops the batch without moving offsets; retried with backoff. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

/** Exponential backoff with full jitter and a cap. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.floor(Math.random() * ceiling);
}
