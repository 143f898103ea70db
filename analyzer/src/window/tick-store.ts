/** A window's count, sum of a value (added in time order) and first and last tick times. */
export interface WindowSum {
  readonly n: number;
  readonly sum: number;
  readonly first: number;
  readonly last: number;
}

/** Where a TickSeries keeps its recent ticks, in time order (tick-series.ts places them). */
export interface TickStore<T extends { readonly ts: number }> {
  readonly length: number;
  tsAt(i: number): number;
  push(t: T): void;
  /** Replaces the tick at `i` (a replayed batch's). */
  put(i: number, t: T): void;
  insert(i: number, t: T): void;
  /** The ticks from index `from` on, in a new array. */
  slice(from: number): T[];
  /** Removes the first `n` ticks and returns them. */
  shift(n: number): T[];
  /** The sum of the store's value from index `from` on; null where it keeps none. */
  sumFrom(from: number): WindowSum | null;
}

/** Ticks as the objects they came as. */
export class ObjectStore<T extends { readonly ts: number }> implements TickStore<T> {
  private items: T[] = [];

  get length(): number {
    return this.items.length;
  }

  tsAt(i: number): number {
    return (this.items[i] as T).ts;
  }

  push(t: T): void {
    this.items.push(t);
  }

  put(i: number, t: T): void {
    this.items[i] = t;
  }

  insert(i: number, t: T): void {
    this.items.splice(i, 0, t);
  }

  slice(from: number): T[] {
    return this.items.slice(from);
  }

  shift(n: number): T[] {
    return this.items.splice(0, n);
  }

  sumFrom(): null {
    return null;
  }
}

/**
 * Ticks that are a time and one value (a rank's user CPU), kept as two arrays of doubles and made
 * into objects only when read. A run keeps a tick per rank per second for FINE_MS: as objects
 * (one, and a box per double) they were the largest part of the analyzer's heap, and each lived
 * long enough to be copied into the old generation and collected there.
 */
export class ColumnStore<T extends { readonly ts: number }> implements TickStore<T> {
  private ts: number[] = [];
  private values: number[] = [];

  constructor(private readonly valueOf: (t: T) => number, private readonly make: (ts: number, value: number) => T) {}

  get length(): number {
    return this.ts.length;
  }

  tsAt(i: number): number {
    return this.ts[i] as number;
  }

  push(t: T): void {
    this.ts.push(t.ts);
    this.values.push(this.valueOf(t));
  }

  put(i: number, t: T): void {
    this.values[i] = this.valueOf(t);
  }

  insert(i: number, t: T): void {
    this.ts.splice(i, 0, t.ts);
    this.values.splice(i, 0, this.valueOf(t));
  }

  slice(from: number): T[] {
    const out = new Array<T>(Math.max(0, this.ts.length - from));
    for (let i = from; i < this.ts.length; i++) out[i - from] = this.make(this.ts[i] as number, this.values[i] as number);
    return out;
  }

  shift(n: number): T[] {
    const out = new Array<T>(Math.min(n, this.ts.length));
    for (let i = 0; i < out.length; i++) out[i] = this.make(this.ts[i] as number, this.values[i] as number);
    this.ts.splice(0, n);
    this.values.splice(0, n);
    return out;
  }

  sumFrom(from: number): WindowSum {
    let sum = 0;
    for (let i = from; i < this.values.length; i++) sum += this.values[i] as number;
    const n = this.ts.length - from;
    return { n, sum, first: n > 0 ? (this.ts[from] as number) : NaN, last: n > 0 ? (this.ts[this.ts.length - 1] as number) : NaN };
  }
}
