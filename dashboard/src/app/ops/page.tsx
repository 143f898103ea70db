import Link from 'next/link';
import { buildHeatmapOption } from '../../charts/heatmap.ts';
import { Chart } from '../../components/chart.tsx';
import { EventImpacts } from '../../components/event-impacts.tsx';
import { LiveRefresh } from '../../components/live-refresh.tsx';
import { Nav } from '../../components/nav.tsx';
import { dashboardContext } from '../../server/context.ts';
import { fmtTime } from '../../server/format.ts';
import { NODE_METRICS, degradedRunning, isNodeMetric, nodeHealth, sharedCauses } from '@runlens/schemas';
import { eventImpacts } from '../../server/views/event-impacts.ts';
import { clusterHeatmap } from '../../server/views/ops.ts';
import { requireOps } from '../../server/session.ts';

const WINDOWS: Record<string, number> = { '15m': 900_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000 };

export default async function OpsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const me = await requireOps();
  const q = await searchParams;
  const metric = isNodeMetric(q.metric ?? '') ? (q.metric as keyof typeof NODE_METRICS) : 'cpu_busy';
  const window = WINDOWS[q.window ?? ''] ?? 3_600_000;
  const { store } = dashboardContext();
  const now = Date.now();
  const week = now - 7 * 86_400_000;
  const [heat, health, shared, degraded, impacts] = await Promise.all([
    clusterHeatmap(store, metric, now - window, now), nodeHealth(store, week), sharedCauses(store, week), degradedRunning(store), eventImpacts(store, week, now),
  ]);
  return (
    <>
      <Nav id={me} />
      <main>
        <LiveRefresh everyMs={10_000} />
        <h1>Operations</h1>
        <section className="card" data-testid="cluster-heatmap">
          <form className="filters" method="get" action="/ops">
            <label>Metric<select name="metric" defaultValue={metric}>{Object.entries(NODE_METRICS).map(([k, m]) => <option key={k} value={k}>{m.label}</option>)}</select></label>
            <label>Window<select name="window" defaultValue={q.window ?? '1h'}>{Object.keys(WINDOWS).map((w) => <option key={w} value={w}>{w}</option>)}</select></label>
            <button className="primary" type="submit">Show</button>
          </form>
          <h2>Cluster: hosts × time, {NODE_METRICS[metric].label}</h2>
          {heat.series.length === 0 ? <p className="muted">No node samples in this window.</p>
            : <Chart label="cluster heatmap" option={buildHeatmapOption(heat.series, NODE_METRICS[metric].label)} height={Math.max(160, 80 + heat.series.length * 22)} />}
        </section>
        <section className="card" data-testid="degraded">
          <h2>Running runs by degradation</h2>
          {degraded.length === 0 ? <p className="muted">Nothing running.</p> : (
            <table><thead><tr><th>Run</th><th>App</th><th>User</th><th>Started</th><th className="num">Score</th><th>Findings</th></tr></thead>
              <tbody>{degraded.map((r) => (
                <tr key={r.run_id}><td><Link href={`/runs/${r.run_id}`}>{r.run_id}</Link></td><td>{r.app}</td><td>{r.user}</td><td>{fmtTime(r.start_ms)}</td><td className="num">{r.score.toFixed(2)}</td><td>{r.kinds.join(', ') || '—'}</td></tr>
              ))}</tbody></table>
          )}
        </section>
        <section className="card" data-testid="event-impacts">
          <h2>Node events and the runs they touched (7 days)</h2>
          <EventImpacts impacts={impacts} />
        </section>
        <div className="grid2">
          <section className="card" data-testid="node-health">
            <h2>Node health (7 days)</h2>
            {health.length === 0 ? <p className="muted">No hardware faults seen, and no kernel events.</p> : (
              <table><thead><tr><th>Host</th><th>Kind</th><th>Detail</th><th>Last</th></tr></thead>
                <tbody>{health.map((h) => <tr key={`${h.host}${h.source}${h.detail}`}><td>{h.host}</td><td>{h.source}</td><td>{h.detail}</td><td>{fmtTime(h.last_ms)}</td></tr>)}</tbody></table>
            )}
          </section>
          <section className="card" data-testid="shared-causes">
            <h2>Findings with a shared cause (7 days)</h2>
            {shared.length === 0 ? <p className="muted">No host, GPU or port shows up in findings of two or more runs.</p> : (
              <table><thead><tr><th>Kind</th><th>Host</th><th>Where</th><th className="num">Runs</th><th>Last</th></tr></thead>
                <tbody>{shared.map((s) => <tr key={`${s.kind}${s.host}${s.scope_id}`}><td>{s.kind}</td><td>{s.host}</td><td>{s.scope_id || '—'}</td><td className="num">{s.runs}</td><td>{fmtTime(s.last_ms)}</td></tr>)}</tbody></table>
            )}
          </section>
        </div>
      </main>
    </>
  );
}
