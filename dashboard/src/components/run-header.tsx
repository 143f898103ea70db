import Link from 'next/link';
import type { RunReport } from '@runlens/schemas';
import { fmtBytes, fmtDuration, fmtPct, fmtTime } from '../server/format.ts';
import { PrintButton } from './print-button.tsx';

export function RunHeader({ report }: { report: RunReport }) {
  const { run, summary } = report;
  const exit = run.ending?.detail ?? (run.exit_code === null ? run.status : `exit ${run.exit_code}`);
  return (
    <section className="card" data-testid="run-header">
      <h1>{run.app} <span className={`pill ${run.status}`}>{run.status}</span> <span className="muted">{run.run_id}</span></h1>
      <p><code>{run.cmd}</code></p>
      <div className="kv">
        <div><span>App</span><Link href={`/apps/${encodeURIComponent(run.app)}`}>{run.app}</Link></div>
        <div><span>User</span>{run.user}</div>
        <div><span>Allocation</span>{run.alloc_cores} cores{run.alloc_gpus ? ` + ${run.alloc_gpus} GPU` : ''} × {Math.max(1, run.hosts.length)} host(s)</div>
        <div><span>Hosts</span>{run.hosts.join(', ') || '—'}</div>
        <div><span>Started</span>{fmtTime(run.start_ts)}</div>
        <div><span>Duration</span>{fmtDuration(summary.wall_s)}</div>
        <div data-testid="run-ending" data-how={run.ending?.how}><span>Ended</span>{exit}</div>
        <div><span>CPU efficiency</span>{fmtPct(summary.cpu_efficiency)} ({summary.cpu_cores_mean.toFixed(2)} cores mean)</div>
        <div><span>Peak RSS</span>{fmtBytes(summary.peak_rss_bytes)}</div>
        <div><span>Storage IO</span>{fmtBytes(summary.read_bytes)} read, {fmtBytes(summary.write_bytes)} written</div>
        {run.job_id ? <div><span>Job</span>{run.job_id}</div> : null}
      </div>
      <p className="noprint">
        <a href={`/runs/${run.run_id}/download?format=html`} download>HTML report</a> · <a href={`/runs/${run.run_id}/download?format=json`} download>JSON report</a> · <PrintButton />
      </p>
    </section>
  );
}
