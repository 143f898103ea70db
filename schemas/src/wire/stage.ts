/** A pipeline stage returns a result; only infrastructure failures throw (STYLE.md). */
export type StageResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'drop'; readonly reason: string }
  | { readonly kind: 'dead_letter'; readonly code: string; readonly detail: string };

export type Stage<I, O> = (input: I) => StageResult<O>;

export const ok = <T>(value: T): StageResult<T> => ({ kind: 'ok', value });
export const drop = <T>(reason: string): StageResult<T> => ({ kind: 'drop', reason });
export const deadLetter = <T>(code: string, detail: string): StageResult<T> => ({ kind: 'dead_letter', code, detail });
