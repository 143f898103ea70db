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

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

/** Most severe, then most confident first: a verdict reads top-down. Unknown severities last. */
export function rankFindings<F extends { readonly severity: string; readonly confidence: number }>(fs: readonly F[]): F[] {
  const sev = (s: string): number => SEVERITY_RANK[s as keyof typeof SEVERITY_RANK] ?? -1;
  return [...fs].sort((a, b) => sev(b.severity) - sev(a.severity) || b.confidence - a.confidence);
}
