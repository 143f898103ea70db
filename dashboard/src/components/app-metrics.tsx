import Link from 'next/link';
import type { RunReport } from '@runlens/schemas';
import type { HostSeries } from '@runlens/analyzer/charts/series';
import { buildMetricTimelineOption } from '../charts/metric-timeline.ts';
import { type TimeWindow, withTimeZoom } from '../charts/zoom.ts';
import { metricLine } from '../server/format.ts';
import { Chart } from './chart.tsx';

/**
 * The app's own performance, as the run report gives it (issue 13): each metric the app
 * reported (`runlens run --metric`, RUNLENS_METRIC_FILE, `runlens metric`) in one line and over
 * time (in the run's chart group: zoom and crosshair follow the other time charts), and
 * where this app's same work ran faster or cheaper on another node type ("elsewhere"), said
 * only when the recommendation behind it is sure. Nothing to show: no card.
 */
export function AppMetrics({ report, series, bucketMs, range }: { report: RunReport; series: readonly HostSeries[]; bucketMs: number; range: TimeWindow }) {
  const metrics = report.metrics ?? [];
  const elsewhere = report.elsewhere ?? [];
  if (metrics.length === 0 && elsewhere.length === 0) return null;
  return (
    <section className="card" data-testid="app-metrics">
      <h2>The app&apos;s own performance</h2>
      {metrics.length > 0 ? (
        <ul className="metrics">{metrics.map((m) => (
          <li key={m.name} data-metric={m.name} data-source={m.source}><code>{metricLine(m)}</code></li>
        ))}</ul>
      ) : <p className="muted">The app reported no metric of its own; its wall time is its performance.</p>}
      {series.length > 0 ? (
        <div className="grid2">{series.map((s) => (
          <div key={s.host} data-metric-chart={s.host}>
            <Chart label={`${s.host} over time`} group="run-time" height={200}
              option={withTimeZoom(buildMetricTimelineOption(s, bucketMs), range)} />
          </div>
        ))}</div>
      ) : null}
      {elsewhere.length > 0 ? (
        <div data-testid="elsewhere">
          <h3>Elsewhere</h3>
          <ul>{elsewhere.map((e) => <li key={e}>{e}</li>)}</ul>
          <p className="muted">From the runs of <Link href={`/apps/${encodeURIComponent(report.run.app)}`}>{report.run.app}</Link> you may see; its page says where to run it.</p>
        </div>
      ) : null}
    </section>
  );
}
