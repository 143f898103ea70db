/** Human units for the report and the dashboard: one home, so a run reads the same everywhere. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Binary units, one decimal above a KiB; `missing` for an unknown value. */
export function bytes(n: number | null, missing = 'n/a'): string {
  if (n === null || !Number.isFinite(n)) return missing;
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${BYTE_UNITS[i]}`;
}

export function seconds(s: number | null, missing = 'n/a'): string {
  if (s === null || !Number.isFinite(s)) return missing;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function pct(x: number | null, missing = 'n/a'): string {
  return x === null || !Number.isFinite(x) ? missing : `${Math.round(x * 100)}%`;
}

/** An amount of money in `currency`; small amounts (a short run's cost) keep two significant digits. */
export function money(x: number | null, currency: string, missing = 'no price'): string {
  return x === null || !Number.isFinite(x) ? missing : `${x < 0.01 ? x.toPrecision(2) : x.toFixed(2)} ${currency}`;
}

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

/** Most severe, then most confident first: a verdict reads top-down. Unknown severities last. */
export function rankFindings<F extends { readonly severity: string; readonly confidence: number }>(fs: readonly F[]): F[] {
  const sev = (s: string): number => SEVERITY_RANK[s as keyof typeof SEVERITY_RANK] ?? -1;
  return [...fs].sort((a, b) => sev(b.severity) - sev(a.severity) || b.confidence - a.confidence);
}

export type EvidenceValue = number | string | boolean | null;

const num = (v: number): string => String(Number(v.toPrecision(3)));
const clock = (ms: number): string => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

/**
 * Evidence units, read off the key's snake_case suffix (the catalog's naming rule). A suffix
 * such as `_threshold` or `_mean` is looked through, so a threshold reads in its value's unit.
 * First match wins; `label` is the key without its unit.
 */
const EVIDENCE_UNITS: readonly { readonly unit: RegExp; readonly show: (v: number) => string; readonly keepLabel?: true }[] = [
  { unit: /_?bytes_per_s$/, show: (v) => `${bytes(v)}/s` },
  { unit: /_per_s$/, show: (v) => `${num(v)}/s` },
  { unit: /_?bytes$/, show: (v) => bytes(v) },
  { unit: /_?cores$/, show: (v) => `${v.toFixed(2)} cores` },
  { unit: /(^|_)(peer|max_min|demand|slow)_ratio$/, show: (v) => `${num(v)}×`, keepLabel: true },
  { unit: /_share$/, show: (v) => pct(v), keepLabel: true },
  { unit: /_?ratio$/, show: (v) => pct(v) },
  { unit: /_ts$|^(start|end|first)_ms$/, show: clock },
  { unit: /_ms$/, show: (v) => seconds(v / 1000) },
  { unit: /_s$/, show: (v) => seconds(v) },
];
const LOOK_THROUGH = /_(threshold|mean|median|max|min|first|last)$/;

/** One evidence entry for people: `slope_bytes_per_s: 30210000` → `['slope', '28.8 MiB/s']`. */
export function evidenceEntry(key: string, value: EvidenceValue): [string, string] {
  const label = (k: string): string => k.replace(/_/g, ' ').trim() || key.replace(/_/g, ' ');
  if (typeof value !== 'number') return [label(key), value === null ? 'n/a' : String(value)];
  const tail = LOOK_THROUGH.exec(key)?.[0] ?? '';
  const base = tail ? key.slice(0, -tail.length) : key;
  for (const u of EVIDENCE_UNITS) {
    if (u.unit.test(base)) return [label((u.keepLabel ? base : base.replace(u.unit, '')) + tail), u.show(value)];
  }
  return [label(key), num(value)];
}

/** A finding's evidence on one line: `slope 28.8 MiB/s · growth 1.2 GiB`. */
export function evidenceLine(evidence: Readonly<Record<string, EvidenceValue>>): string {
  return Object.entries(evidence).map(([k, v]) => evidenceEntry(k, v).join(' ')).join(' · ');
}

/** One app metric of a run for people: `it/s  median 12.3  over time 11.8  (11–13.5 over 42 points, last 12.9)`. */
export function metricLine(m: { name: string; points: number; median: number; min: number; max: number; last: number; time_mean?: number }): string {
  const n = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());
  const overTime = m.time_mean === undefined ? '' : `  over time ${n(m.time_mean)}`;
  return `${m.name}  median ${n(m.median)}${overTime}  (${n(m.min)}–${n(m.max)} over ${m.points} point${m.points === 1 ? '' : 's'}, last ${n(m.last)})`;
}
