import { bytes, money, pct, seconds } from '@runlens/analyzer/report/format';

/** Display helpers of the pages: the report's units, with a dash for what is unknown. */
export { evidenceLine, metricLine, rankFindings } from '@runlens/analyzer/report/format';

export const fmtDuration = (s: number | null): string => seconds(s, '—');

export const fmtBytes = (b: number | null): string => bytes(b, '—');

export const fmtPct = (r: number | null): string => pct(r, '—');

export const fmtMoney = (x: number | null, currency: string): string => money(x, currency);

export const fmtTime = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
