import { buildCpuTimelineOption } from '@runlens/analyzer/charts/cpu-timeline';
import { marksResource } from '@runlens/analyzer/charts/resources';
import { evidenceLine, fmtBytes, fmtPct } from '../server/format.ts';
import { type TimeWindow, withTimeZoom } from '../charts/zoom.ts';
import type { HostPanel } from '../server/views/hosts.ts';
import { Chart } from './chart.tsx';
import { GuideLink } from './guide-link.tsx';

const cores = (x: number | null): string => (x === null ? '—' : `${x.toFixed(2)}`);

/**
 * A multi-host run's hosts side by side, one card each: the run's CPU against the host's
 * allocation (its run delay and the outside load stacked on it), RSS, IO, the findings that name the host and its ranks
 * with their time in MPI. A host a finding blames (slow_node, hardware_fault) is marked.
 */
export function HostPanels({ panels, bucketMs, range }: { panels: readonly HostPanel[]; bucketMs: number; range: TimeWindow }) {
  if (panels.length < 2) return null;
  return (
    <section data-testid="hosts">
      <h2>Hosts side by side <span className="muted">({panels.length} hosts)</span></h2>
      <div className="hosts">
        {panels.map((p) => <HostCard key={p.host} p={p} bucketMs={bucketMs} range={range} />)}
      </div>
    </section>
  );
}

function HostCard({ p, bucketMs, range }: { p: HostPanel; bucketMs: number; range: TimeWindow }) {
  const option = withTimeZoom(buildCpuTimelineOption({
    series: p.cpu ? [p.cpu] : [], outside: p.outside ? [p.outside] : [], delay: p.delay ? [p.delay] : [], bucketMs, allocCores: p.alloc_cores,
    findings: p.findings.filter((f) => marksResource(f.kind, 'cpu')).map((f) => ({ ...f, host: p.host })),
  }), range, true);
  return (
    <div className={`card host${p.marked.length > 0 ? ' marked' : ''}`} data-host={p.host} data-marked={p.marked.join(' ')}>
      <h3>{p.host} {p.marked.map((k) => <span key={k} className="pill bad">{k}</span>)}</h3>
      <div className="kv small">
        <div><span>CPU (of {p.alloc_cores} allocated)</span>{cores(p.cpu_mean)} cores · {fmtPct(p.cpu_share)}</div>
        <div><span>Outside load</span>{cores(p.outside_mean)} cores{p.outside_peak !== null ? `, peak ${cores(p.outside_peak)}` : ''}</div>
        <div data-testid="host-delay"><span>Run delay</span>{cores(p.delay_mean)} cores waiting for a CPU</div>
        <div><span>Peak RSS</span>{fmtBytes(p.rss_peak)}</div>
        <div><span>Storage IO</span>{p.io_mean === null ? '—' : `${fmtBytes(p.io_mean)}/s`}</div>
      </div>
      <Chart label={`${p.host} cpu`} option={option} height={150} group="run-time" />
      {p.findings.length === 0 ? <p className="muted">No finding names this host.</p> : (
        <ul className="host-findings">{p.findings.map((f) => (
          <li key={f.finding_id} data-kind={f.kind}><GuideLink kind={f.kind} /> <span className={`sev-${f.severity}`}>{f.severity}</span>: {f.message}
            <div className="evidence muted">{evidenceLine(f.evidence)}</div></li>
        ))}</ul>
      )}
      {p.ranks.length > 0 ? (
        <table className="compact" data-testid="host-ranks">
          <thead><tr><th>Rank</th><th className="num">CPU s</th><th className="num">In MPI</th></tr></thead>
          <tbody>{p.ranks.map((r) => (
            <tr key={r.rank} data-rank={r.rank}><td>{r.rank}</td><td className="num">{r.cpu_s === null ? '—' : r.cpu_s.toFixed(1)}</td><td className="num">{fmtPct(r.mpi_share)}</td></tr>
          ))}</tbody>
        </table>
      ) : null}
    </div>
  );
}
