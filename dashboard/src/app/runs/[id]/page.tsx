import { notFound } from 'next/navigation';
import { bucketMs } from '@runlens/analyzer/charts/series';
import { unsampledSentence } from '@runlens/analyzer/report/unsampled';
import { AppMetrics } from '../../../components/app-metrics.tsx';
import { Comparison } from '../../../components/comparison.tsx';
import { HostPanels } from '../../../components/host-panels.tsx';
import { LiveRefresh } from '../../../components/live-refresh.tsx';
import { Nav } from '../../../components/nav.tsx';
import { ProcessTable } from '../../../components/process-table.tsx';
import { BaselineCard, Phases, RankComparison } from '../../../components/run-details.tsx';
import { RunHeader } from '../../../components/run-header.tsx';
import { RunEvents, RunLog } from '../../../components/run-log.tsx';
import { Timelines } from '../../../components/timelines.tsx';
import { Verdict } from '../../../components/verdict.tsx';
import { dashboardContext } from '../../../server/context.ts';
import { rankTotals, runOwner, topProcesses } from '@runlens/schemas';
import { compareWithEarlier } from '../../../server/views/compare.ts';
import { hostPanels } from '../../../server/views/hosts.ts';
import { runMetricSeries } from '../../../server/views/run-metrics.ts';
import { runTimelines } from '../../../server/views/run-series.ts';
import { assertCanSee, requireIdentity } from '../../../server/session.ts';

/** Processes in the run page's table at most. */
const PROCESS_ROWS = 50;

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function RunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Search }) {
  const { id: runId } = await params;
  const pick = (await searchParams).compare;
  const me = await requireIdentity();
  const { store, buildReport } = dashboardContext();
  const owner = await runOwner(store, runId);
  if (owner === null) notFound();
  assertCanSee(me, owner);
  const report = await buildReport(store, runId);
  if (!report) notFound();
  const { run } = report;
  const scope = { run_id: runId, hosts: run.hosts, start_ms: run.start_ts, end_ms: run.end_ts ?? Date.now() };
  const bucket = bucketMs(scope.end_ms - scope.start_ms);
  const range = { from_ms: scope.start_ms, to_ms: scope.end_ms };
  const [data, ranks, processes, metrics] = await Promise.all([
    runTimelines(store, scope, bucket), rankTotals(store, runId), topProcesses(store, runId, PROCESS_ROWS), runMetricSeries(store, runId, bucket),
  ]);
  const cmp = await compareWithEarlier(store, me, { run_id: runId, app: run.app, cmd: run.cmd, start_ms: run.start_ts },
    data.find((d) => d.resource === 'cpu')?.series ?? [], Array.isArray(pick) ? pick[0] : pick);
  const hosts = hostPanels({ hosts: run.hosts, allocCores: run.alloc_cores, timelines: data, findings: report.findings, ranks, mpi: report.summary.mpi ?? [] });
  return (
    <>
      <Nav id={me} />
      <main>
        {run.status === 'running' ? <LiveRefresh everyMs={3000} /> : null}
        <RunHeader report={report} />
        <Verdict findings={report.findings} />
        <Verdict findings={report.findings_after_end ?? []} afterEnd />
        <AppMetrics report={report} series={metrics} bucketMs={bucket} range={range} />
        <HostPanels panels={hosts} bucketMs={bucket} range={range} />
        <Timelines data={data} findings={report.findings} events={report.events ?? []} bucketMs={bucket} allocCores={run.alloc_cores} range={range} />
        <RunEvents report={report} />
        <RunLog report={report} />
        <ProcessTable processes={processes} unsampled={unsampledSentence(report.summary)} />
        <div className="grid2">
          <RankComparison ranks={ranks} />
          <Phases phases={report.phases} />
        </div>
        <Comparison report={report} cmp={cmp} />
        <BaselineCard report={report} />
      </main>
    </>
  );
}
