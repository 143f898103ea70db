// The same rows as TSDB payloads: victoria-metrics' JSON-lines import (one line per series with
// its values and timestamps, VM's documented bulk text format) and OpenMetrics text for
// `promtool tsdb create-blocks-from openmetrics`.
import { type SampleTable, LABELS, VALUES, metricName } from './series.ts';

type Rows = readonly Readonly<Record<string, unknown>>[];

interface Pending { readonly head: string; readonly values: number[]; readonly ts: number[] }

/** Label text per row identity, built once: the JS encoder should not be what gets measured. */
class LabelCache {
  private readonly cache = new Map<string, string>();
  constructor(private readonly table: SampleTable, private readonly format: (pairs: [string, string][]) => string) {}

  get(row: Readonly<Record<string, unknown>>): string {
    let key = '';
    for (const name of LABELS[this.table]) key += `${String(row[name])}\u0001`;
    let text = this.cache.get(key);
    if (text === undefined) {
      const pairs: [string, string][] = [];
      for (const name of LABELS[this.table]) {
        const v = row[name];
        if (v !== null && v !== undefined && v !== '') pairs.push([name, String(v)]);
      }
      text = this.format(pairs);
      this.cache.set(key, text);
    }
    return text;
  }
}

const isSample = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `/api/v1/import` body: one line per series, holding every point of it in these rows. */
export function vmImportBody(table: SampleTable, rows: Rows): { body: string; samples: number } {
  const labels = new LabelCache(table, (pairs) => pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(','));
  const cols = VALUES[table];
  const names = cols.map((c) => metricName(table, c));
  // Per label set, one pending series per value column.
  const series = new Map<string, (Pending | undefined)[]>();
  let samples = 0;
  for (const row of rows) {
    const l = labels.get(row);
    const ts = row.ts as number;
    let slots = series.get(l);
    if (!slots) { slots = new Array<Pending | undefined>(cols.length); series.set(l, slots); }
    for (let i = 0; i < cols.length; i++) {
      const v = row[cols[i] ?? ''];
      if (!isSample(v)) continue;
      let s = slots[i];
      if (!s) { s = { head: `{"metric":{"__name__":"${names[i] ?? ''}",${l}},"values":[`, values: [], ts: [] }; slots[i] = s; }
      s.values.push(v);
      s.ts.push(ts);
      samples++;
    }
  }
  const lines: string[] = [];
  for (const slots of series.values()) {
    for (const s of slots) if (s) lines.push(`${s.head}${s.values.join(',')}],"timestamps":[${s.ts.join(',')}]}`);
  }
  return { body: lines.length > 0 ? `${lines.join('\n')}\n` : '', samples };
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** OpenMetrics sample lines (timestamps in seconds); the caller ends the file with `# EOF`. */
export function openMetricsLines(table: SampleTable, rows: Rows): { text: string; samples: number } {
  const labels = new LabelCache(table, (pairs) => pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(','));
  const names = VALUES[table].map((c) => metricName(table, c));
  const out: string[] = [];
  for (const row of rows) {
    const l = labels.get(row);
    const ts = `${(row.ts as number) / 1000}`;
    VALUES[table].forEach((col, i) => {
      const v = row[col];
      if (isSample(v)) out.push(`${names[i] ?? col}{${l}} ${v} ${ts}`);
    });
  }
  return { text: out.length > 0 ? `${out.join('\n')}\n` : '', samples: out.length };
}
