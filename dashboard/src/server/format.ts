/** Display helpers shared by pages (pure). */
export function fmtDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} m`;
}

export function fmtBytes(b: number | null): string {
  if (b === null || !Number.isFinite(b)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export const fmtPct = (r: number | null): string => (r === null || !Number.isFinite(r) ? '—' : `${(r * 100).toFixed(0)} %`);

export const fmtTime = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

export interface RankedFinding { readonly kind: string; readonly severity: string; readonly confidence: number }

/** Most important first: severity, then confidence. */
export function rankFindings<F extends RankedFinding>(fs: readonly F[]): F[] {
  const sev = (s: string): number => SEVERITY_RANK[s as keyof typeof SEVERITY_RANK] ?? -1;
  return [...fs].sort((a, b) => sev(b.severity) - sev(a.severity) || b.confidence - a.confidence);
}
