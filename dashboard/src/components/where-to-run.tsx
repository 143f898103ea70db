import type { SelectionResult } from '@runlens/analyzer/selection/select-app';
import { fmtDuration, fmtMoney } from '../server/format.ts';


/** The app page's "where to run" panel: node types compared on this app's own runs. */
export function WhereToRun({ s }: { s: SelectionResult }) {
  const r = s.recommendation;
  const metric = r.performance !== 'wall_s';
  if (r.types.length === 0) return <p className="muted">No finished runs of this app with a summary yet.</p>;
  return (
    <>
      <p className="muted">Work: {s.fingerprint} at {s.scale_cores} core{s.scale_cores === 1 ? '' : 's'}; {s.runs_considered} run{s.runs_considered === 1 ? '' : 's'}{s.runs_other_work > 0 ? ` (${s.runs_other_work} of other work or scale left out)` : ''}.</p>
      <table>
        <thead><tr><th>Node type</th><th className="num">Runs</th><th className="num">Median wall</th>{metric ? <th className="num">Median {r.performance}</th> : null}<th>Interval</th><th className="num">Cost per run</th><th className="num">Cost per unit of work</th></tr></thead>
        <tbody>{r.types.map((t) => (
          <tr key={t.type} data-node-type={t.type}>
            <td>{t.type}{r.fastest?.type === t.type ? ' ⚡' : ''}{r.cheapest?.type === t.type ? ' €' : ''}</td>
            <td className="num">{t.predicted ? <span title={`predicted from ${t.predicted.from_runs} runs at ${t.predicted.from_scale} cores by the scaling exponent ${t.predicted.exponent.toFixed(2)}`}>predicted</span> : t.runs}</td><td className="num">{fmtDuration(t.wall_s_median)}</td>
            {metric ? <td className="num">{t.metric_median === null ? '—' : t.metric_median.toPrecision(3)}</td> : null}
            <td>{t.runs < 2 && !t.predicted ? '—' : `${fmtDuration(t.wall_s_ci.lo)}–${fmtDuration(t.wall_s_ci.hi)} (${Math.round(t.wall_s_ci.level * 100)}%)`}</td>
            <td className="num">{fmtMoney(t.cost_per_run_median, s.currency)}</td><td className="num">{fmtMoney(t.cost_per_unit_median, s.currency)}</td>
          </tr>
        ))}</tbody>
      </table>
      <ul data-testid="where-to-run-verdict">
        {r.verdict === 'insufficient_data' ? <li><strong>Insufficient data</strong>: no recommendation yet.</li> : null}
        {r.fastest ? <li>Fastest: <strong>{r.fastest.type}</strong>{r.fastest.sure ? '' : ' (not sure)'}: {r.fastest.why}</li> : null}
        {r.cheapest ? <li>Cheapest per {metric ? 'unit of work' : 'run'}: <strong>{r.cheapest.type}</strong>{r.cheapest.sure ? '' : ' (not sure)'}: {r.cheapest.why}</li> : null}
        {r.comparisons.map((c) => <li key={c}>{c}</li>)}
        {r.needs.map((n) => <li key={n} className="muted">To settle it: {n}</li>)}
      </ul>
    </>
  );
}
