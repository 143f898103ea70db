import Link from 'next/link';
import { buildRunsOverTimeOption, buildScalingOption } from '../../../charts/app-charts.ts';
import { Chart } from '../../../components/chart.tsx';
import { Nav } from '../../../components/nav.tsx';
import { WhereToRun } from '../../../components/where-to-run.tsx';
import { selectForApp } from '@runlens/analyzer/selection/select-app';
import { dashboardContext } from '../../../server/context.ts';
import { fmtDuration, fmtPct, fmtTime } from '../../../server/format.ts';
import { appRegressions, appRuns } from '@runlens/schemas';
import { appBaseline } from '../../../server/views/app.ts';
import { requireIdentity } from '../../../server/session.ts';

export default async function AppPage({ params }: { params: Promise<{ app: string }> }) {
  const app = decodeURIComponent((await params).app);
  const me = await requireIdentity();
  const { store, nodeTypes } = dashboardContext();
  const [runs, baseline, regressions, where] = await Promise.all([
    appRuns(store, me, app), appBaseline(store, me, app), appRegressions(store, me, app), selectForApp(store, me, app, nodeTypes),
  ]);
  return (
    <>
      <Nav id={me} />
      <main>
        <h1>App: {app} <span className="muted">({runs.length} runs)</span></h1>
        <section className="card" data-testid="app-baseline">
          <h2>Baseline</h2>
          {baseline ? (
            <div className="kv">
              <div><span>Runs in model</span>{baseline.runs}</div>
              <div><span>Median wall</span>{fmtDuration(baseline.wall_s_median)}</div>
              <div><span>Spread (MAD)</span>{fmtDuration(baseline.wall_s_mad)}</div>
              <div><span>Median CPU eff.</span>{fmtPct(baseline.cpu_efficiency_median)}</div>
            </div>
          ) : <p className="muted">No model yet: it forms after the app's first finished runs.</p>}
        </section>
        <div className="grid2">
          <section className="card"><h2>Runs over time</h2><Chart label="runs over time" option={buildRunsOverTimeOption(runs, baseline)} linkPrefix="/runs/" /></section>
          <section className="card"><h2>Duration vs scale</h2><Chart label="duration vs scale" option={buildScalingOption(runs)} linkPrefix="/runs/" /></section>
        </div>
        <section className="card" data-testid="where-to-run">
          <h2>Where to run</h2>
          <WhereToRun s={where} />
        </section>
        <section className="card" data-testid="regressions">
          <h2>Regressions</h2>
          {regressions.length === 0 ? <p className="muted">None found.</p> : (
            <table><thead><tr><th>Run</th><th>When</th><th>Severity</th><th>What</th></tr></thead>
              <tbody>{regressions.map((r) => (
                <tr key={r.run_id}><td><Link href={`/runs/${r.run_id}`}>{r.run_id}</Link></td><td>{fmtTime(r.start_ms)}</td><td className={`sev-${r.severity}`}>{r.severity}</td><td>{r.message}</td></tr>
              ))}</tbody></table>
          )}
        </section>
      </main>
    </>
  );
}
