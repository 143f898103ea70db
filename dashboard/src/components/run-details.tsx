import type { RunReport } from '@runlens/schemas';
import { buildRankBarsOption, rankLabel } from '../charts/rank-bars.ts';
import type { RankTotals } from '@runlens/schemas';
import { fmtBytes, fmtDuration, fmtPct, fmtTime } from '../server/format.ts';
import { Chart } from './chart.tsx';

export function Phases({ phases }: { phases: RunReport['phases'] }) {
  return (
    <section className="card" data-testid="phases">
      <h2>Phases</h2>
      {phases.length === 0 ? <p className="muted">One phase (no change of behaviour detected).</p> : (
        <table>
          <thead><tr><th>#</th><th>Label</th><th>From</th><th className="num">Length</th><th className="num">CPU cores</th><th className="num">IO/s</th><th className="num">RSS</th></tr></thead>
          <tbody>{phases.map((p) => (
            <tr key={p.index}><td>{p.index}</td><td>{p.label}</td><td>{fmtTime(p.start_ts)}</td><td className="num">{fmtDuration((p.end_ts - p.start_ts) / 1000)}</td>
              <td className="num">{p.cpu_cores_mean.toFixed(2)}</td><td className="num">{fmtBytes(p.io_bytes_per_s_mean)}</td><td className="num">{fmtBytes(p.rss_bytes_mean)}</td></tr>
          ))}</tbody>
        </table>
      )}
    </section>
  );
}

export function BaselineCard({ report }: { report: RunReport }) {
  const b = report.baseline;
  return (
    <section className="card" data-testid="baseline">
      <h2>Baseline</h2>
      {!b ? <p className="muted">No baseline yet for this app.</p> : (
        <div className="kv">
          <div><span>Verdict</span>{b.verdict}</div>
          <div><span>Runs in model</span>{b.runs}</div>
          <div><span>Median wall</span>{fmtDuration(b.wall_s_median)} (this run {fmtDuration(report.summary.wall_s)})</div>
          <div><span>Median CPU eff.</span>{fmtPct(b.cpu_efficiency_median)} (this run {fmtPct(report.summary.cpu_efficiency)})</div>
        </div>
      )}
    </section>
  );
}

export function RankComparison({ ranks }: { ranks: readonly RankTotals[] }) {
  return (
    <section className="card" data-testid="ranks">
      <h2>Per-rank comparison</h2>
      {ranks.length > 1 ? <Chart option={buildRankBarsOption(ranks)} label="per-rank CPU seconds" height={220} /> : null}
      <table>
        <thead><tr><th>Rank</th><th className="num">CPU s</th><th className="num">Peak RSS (process)</th><th className="num">Storage IO</th></tr></thead>
        <tbody>{ranks.map((r) => (
          <tr key={`${r.rank}@${r.host}`}><td>{rankLabel(r)}</td><td className="num">{r.cpu_s.toFixed(1)}</td><td className="num">{fmtBytes(r.peak_rss_bytes)}</td><td className="num">{fmtBytes(r.io_bytes)}</td></tr>
        ))}</tbody>
      </table>
    </section>
  );
}
