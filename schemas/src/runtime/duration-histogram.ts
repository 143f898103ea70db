import type { MetricFamily } from './prometheus-text.ts';

/** Upper bounds in seconds: 5 ms to 1 min, the range of a batch write or an export. */
const BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A cumulative Prometheus histogram of durations, observed in ms and exposed in seconds. */
export class DurationHistogram {
  private readonly counts = new Array<number>(BOUNDS_S.length).fill(0);
  private sum = 0;
  private count = 0;

  constructor(readonly name: string, readonly help: string, private readonly labels: Readonly<Record<string, string>> = {}) {}

  observeMs(ms: number): void {
    const s = ms / 1000;
    this.sum += s;
    this.count++;
    for (let i = 0; i < BOUNDS_S.length; i++) if (s <= (BOUNDS_S[i] as number)) (this.counts[i] as number)++;
  }

  family(): MetricFamily {
    return {
      name: this.name, help: this.help, type: 'histogram',
      samples: [
        ...BOUNDS_S.map((le, i) => ({ suffix: '_bucket', labels: { ...this.labels, le: String(le) }, value: this.counts[i] as number })),
        { suffix: '_bucket', labels: { ...this.labels, le: '+Inf' }, value: this.count },
        { suffix: '_sum', labels: this.labels, value: this.sum },
        { suffix: '_count', labels: this.labels, value: this.count },
      ],
    };
  }
}
