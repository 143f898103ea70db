import { notFound } from 'next/navigation';
import { bucketMs } from '@runlens/analyzer/charts/series';
import { LiveRefresh } from '../../../components/live-refresh.tsx';
import { Nav } from '../../../components/nav.tsx';
import { BaselineCard, Phases, RankComparison } from '../../../components/run-details.tsx';
import { RunHeader } from '../../../components/run-header.tsx';
import { RunEvents, RunLog } from '../../../components/run-log.tsx';
import { Timelines } from '../../../components/timelines.tsx';
import { Verdict } from '../../../components/verdict.tsx';
import { dashboardContext } from '../../../server/context.ts';
import { rankTotals, runOwner } from '@runlens/schemas';
import { runTimelines } from '../../../server/views/run-series.ts';
import { assertCanSee, requireIdentity } from '../../../server/session.ts';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: runId } = await params;
  const me = await requireIdentity();
  const { store, buildReport } = dashboardContext();
  const owner = await runOwner(store, runId);
  if (owner === null) notFound();
  assertCanSee(me, owner);
  const report = await buildReport(store, runId);
  if (!report) notFound();
  const scope = { run_id: runId, hosts: report.run.hosts, start_ms: report.run.start_ts, end_ms: report.run.end_ts ?? Date.now() };
  const bucket = bucketMs(scope.end_ms - scope.start_ms);
  const [data, ranks] = await Promise.all([
    runTimelines(store, scope, bucket),
    rankTotals(store, runId),
  ]);
  return (
    <>
      <Nav id={me} />
      <main>
        {report.run.status === 'running' ? <LiveRefresh everyMs={3000} /> : null}
        <RunHeader report={report} />
        <Verdict findings={report.findings} />
        <Verdict findings={report.findings_after_end ?? []} afterEnd />
        <Timelines data={data} findings={report.findings} events={report.events ?? []} bucketMs={bucket} allocCores={report.run.alloc_cores} />
        <RunEvents report={report} />
        <RunLog report={report} />
        <div className="grid2">
          <RankComparison ranks={ranks} />
          <Phases phases={report.phases} />
        </div>
        <BaselineCard report={report} />
      </main>
    </>
  );
}
