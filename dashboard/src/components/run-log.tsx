import type { RunReport } from '@runlens/schemas';
import { fmtTime } from '../server/format.ts';

const offset = (start: number, ts: number): string => `+${Math.max(0, (ts - start) / 1000).toFixed(1)} s`;

/** Kernel and driver events on the run's hosts while it ran, each with the findings it is evidence for. */
export function RunEvents({ report }: { report: RunReport }) {
  const events = report.events ?? [];
  if (events.length === 0) return null;
  return (
    <section className="card" data-testid="run-events">
      <h2>Node events <span className="muted">(kernel log of the run&apos;s hosts while it ran; dashed lines on the timelines)</span></h2>
      <table>
        <thead><tr><th>When</th><th>Host</th><th>Event</th><th>Process / device</th><th>Detail</th><th>Finding</th></tr></thead>
        <tbody>{events.map((e) => (
          <tr key={`${e.host}|${e.ts}|${e.kind}|${e.raw}`} data-event-kind={e.kind} title={e.raw}>
            <td>{offset(report.run.start_ts, e.ts)} <span className="muted">{fmtTime(e.ts)}</span></td><td>{e.host}</td>
            <td className={`sev-${e.severity}`}>{e.kind}</td>
            <td>{e.pid !== null ? `${e.comm} (pid ${e.pid})` : ''}{e.device ? ` ${e.device}` : ''}</td><td>{e.detail}</td>
            <td>{e.findings.join(', ') || '—'}</td>
          </tr>
        ))}</tbody>
      </table>
    </section>
  );
}

/** The kept tail of the run's output, each line at its time in the run and tagged with the findings and events around it. */
export function RunLog({ report }: { report: RunReport }) {
  const log = report.log;
  if (!log) return null;
  const total = log.lines.length + log.omitted;
  return (
    <section className="card" data-testid="run-log">
      <h2>Log tail <span className="muted">({log.lines.length} of {total} stderr lines kept)</span></h2>
      {log.output_paths.map((p) => <p key={p} className="muted">Job output: <code>{p}</code></p>)}
      {log.lines.length > 0 ? (
        <pre className="log">{log.lines.map((l) => (
          <div key={`${l.host}|${l.stream}|${l.seq}`} data-near={l.near.join(' ')} className={l.near.length > 0 ? 'near' : undefined}>
            <span className="muted">{offset(report.run.start_ts, l.ts).padStart(9)} </span>{l.line}
            {l.near.length > 0 ? <span className="sev-warning"> ← {l.near.join(', ')}</span> : null}
          </div>
        ))}</pre>
      ) : null}
    </section>
  );
}
