import type { Row } from '@runlens/schemas';

/**
 * The application's own performance metric (issue 13), read by `runlens run` from the app's
 * output lines (`--metric NAME=REGEX`) and from the file it appends `name value` lines to
 * (RUNLENS_METRIC_FILE, which `runlens metric NAME VALUE` also writes). Everything is bounded:
 * line length, points per run, names per run; a line that is not understood is counted, never fatal.
 */
export const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_./-]{0,63}$/;
export const MAX_LINE_BYTES = 64 * 1024;
export const MAX_POINTS_PER_RUN = 20_000;
export const MAX_NAMES_PER_RUN = 16;
const MAX_REGEX_CHARS = 512;

export interface MetricSpec { readonly name: string; readonly re: RegExp }

/** `NAME=REGEX`: the value is the regex's first capture group, else its whole match; a spec error is a string. */
export function parseMetricSpec(spec: string): MetricSpec | string {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const src = eq < 0 ? '' : spec.slice(eq + 1);
  if (!METRIC_NAME.test(name)) return `--metric ${spec}: the name must be letters, digits, _ . / - (at most 64), starting with a letter`;
  if (src === '' || src.length > MAX_REGEX_CHARS) return `--metric ${spec}: give NAME=REGEX with a regex of 1 to ${MAX_REGEX_CHARS} characters`;
  try {
    return { name, re: new RegExp(src) };
  } catch (e) {
    return `--metric ${spec}: not a regular expression (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** A number as apps print it: 12.5, 1e3, 1,234.5 (thousands commas dropped); null otherwise. */
export function parseMetricValue(text: string): number | null {
  const t = text.trim().replace(/(\d),(?=\d{3}\b)/g, '$1');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

export interface MetricCounts { points: number; bad_lines: number; dropped: number }

/** Collects one run's metric points; `take()` hands over what came since the last call. */
export class MetricRecorder {
  private pending: Row<'run_metrics'>[] = [];
  private readonly seq = new Map<string, number>();
  readonly counts: MetricCounts = { points: 0, bad_lines: 0, dropped: 0 };

  constructor(private readonly runId: string, private readonly host: string, private readonly specs: readonly MetricSpec[], private readonly now: () => number = Date.now) {}

  /** One line of the app's output: each spec that matches it gives a point; a match that is no number is a bad line. */
  outputLine(line: string): void {
    for (const s of this.specs) {
      const m = s.re.exec(line);
      if (!m) continue;
      const v = parseMetricValue(m[1] ?? m[0]);
      if (v === null) this.counts.bad_lines++;
      else this.add(s.name, v, 'output');
    }
  }

  /** One line of RUNLENS_METRIC_FILE: `name value`; blank lines and `#` comments are skipped. */
  fileLine(line: string): void {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const [name, value, extra] = t.split(/\s+/);
    const v = value === undefined ? null : parseMetricValue(value);
    if (name === undefined || !METRIC_NAME.test(name) || v === null || extra !== undefined) this.counts.bad_lines++;
    else this.add(name, v, 'file');
  }

  private add(name: string, value: number, source: 'output' | 'file'): void {
    const n = this.seq.get(name) ?? 0;
    if (this.counts.points >= MAX_POINTS_PER_RUN || (n === 0 && this.seq.size >= MAX_NAMES_PER_RUN)) {
      this.counts.dropped++;
      return;
    }
    this.seq.set(name, n + 1);
    this.counts.points++;
    this.pending.push({ ts: this.now(), run_id: this.runId, host: this.host, name, seq: n, value, source });
  }

  take(): Row<'run_metrics'>[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

/**
 * Splits a byte stream into lines at \n or \r (progress bars such as tqdm redraw one line with \r);
 * a line longer than MAX_LINE_BYTES is cut there (the rest up to its end is skipped).
 */
export class LineSplitter {
  private buf = '';
  private skipping = false;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    for (let nl = text.search(/[\r\n]/); nl >= 0; nl = text.search(/[\r\n]/)) {
      const line = this.buf + text.slice(0, nl);
      if (!this.skipping && line !== '') this.onLine(line);
      this.buf = '';
      this.skipping = false;
      text = text.slice(nl + 1);
    }
    if (this.skipping) return;
    this.buf += text;
    if (this.buf.length > MAX_LINE_BYTES) {
      this.onLine(this.buf.slice(0, MAX_LINE_BYTES));
      this.buf = '';
      this.skipping = true;
    }
  }

  /** The last line, when the stream ended without a newline. */
  end(): void {
    if (!this.skipping && this.buf !== '') this.onLine(this.buf);
    this.buf = '';
  }
}
