import Link from 'next/link';
import type { RunReport, SummaryRow } from '@runlens/schemas';
import { buildCompareOption } from '../charts/compare.ts';
import { fmtBytes, fmtDuration, fmtPct } from '../server/format.ts';
import type { RunComparison } from '../server/views/compare.ts';
import { Chart } from './chart.tsx';

const median = (xs: readonly number[]): number | null => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? null : ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2;
};

/** This run against an earlier run of the same app and command (its baseline), overlaid and in numbers. */
export function Comparison({ report, cmp }: { report: RunReport; cmp: RunComparison }) {
  const { chosen, earlier } = cmp;
  if (!chosen) return <section className="card" data-testid="compare"><h2>Compared with earlier runs</h2><p className="muted">No earlier finished run of this app and command to compare with.</p></section>;
  const s = report.summary;
  const rows: [string, string, string, string][] = [
    ['Duration', fmtDuration(s.wall_s), fmtDuration(chosen.summary.wall_s), fmtDuration(median(earlier.map((e) => e.wall_s)))],
    ['CPU efficiency', fmtPct(s.cpu_efficiency), fmtPct(chosen.summary.cpu_efficiency), fmtPct(median(earlier.map((e) => e.cpu_efficiency)))],
    ['CPU cores (mean)', s.cpu_cores_mean.toFixed(2), chosen.summary.cpu_cores_mean.toFixed(2), median(earlier.map((e) => e.cpu_cores_mean))?.toFixed(2) ?? '—'],
    ['Peak RSS', fmtBytes(s.peak_rss_bytes), fmtBytes(chosen.summary.peak_rss_bytes), fmtBytes(median(earlier.map((e) => e.peak_rss_bytes)))],
    ['Findings', report.findings.map((f) => f.kind).filter((k, i, a) => a.indexOf(k) === i).join(', ') || '—', kinds(chosen.summary), '—'],
  ];
  const option = buildCompareOption({ label: 'this run', points: cmp.current }, { label: `earlier ${chosen.summary.run_id.slice(-8)}`, points: chosen.cpu });
  return (
    <section className="card" id="compare" data-testid="compare" data-compared={chosen.summary.run_id}>
      <h2>Compared with an earlier run <span className="muted">(same app and command)</span></h2>
      <Chart label="run comparison" option={option} height={220} />
      <div className="scroll"><table>
        <thead><tr><th></th><th className="num">This run</th><th className="num"><Link href={`/runs/${chosen.summary.run_id}`}>Earlier run</Link></th><th className="num">Median of {earlier.length} earlier</th></tr></thead>
        <tbody>{rows.map(([k, ...v]) => <tr key={k}><td>{k}</td>{v.map((x, i) => <td key={i} className="num">{x}</td>)}</tr>)}</tbody>
      </table></div>
      <p className="muted">Compare with: {earlier.map((e, i) => (
        <span key={e.run_id}>{i > 0 ? ' · ' : ''}{e.run_id === chosen.summary.run_id ? <strong>{e.run_id.slice(-8)}</strong>
          : <Link href={`?compare=${encodeURIComponent(e.run_id)}#compare`} data-compare-with={e.run_id}>{e.run_id.slice(-8)}</Link>}</span>
      ))}</p>
    </section>
  );
}

const kinds = (r: SummaryRow): string => r.finding_kinds.join(', ') || '—';
