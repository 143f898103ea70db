import Link from 'next/link';
import { fmtDuration, fmtTime } from '../server/format.ts';
import type { EventImpact } from '../server/views/event-impacts.ts';

const EVENT_WORDS: Readonly<Record<string, string>> = {
  link_down: 'the link went down', fs_not_responding: 'the file server stopped answering', gpu_xid: 'the GPU raised an XID',
  oom_kill: 'the kernel killed a process for memory', segfault: 'a process crashed', trap: 'a process trapped', hung_task: 'a task hung',
  soft_lockup: 'a CPU locked up', mce: 'a machine check', edac: 'a memory error',
};

function headline(i: EventImpact): string {
  const what = EVENT_WORDS[i.event.kind] ?? i.event.kind;
  const where = i.event.device ? `${i.event.host} (${i.event.device})` : i.event.host;
  const slowed = i.runs.filter((r) => r.kinds.length > 0).length;
  const jobs = (n: number): string => `${n} job${n === 1 ? '' : 's'}`;
  if (i.runs.length === 0) return `On ${where}, ${what} at ${fmtTime(i.event.ts_ms)}; no run was live there`;
  const lead = slowed > 0 ? `${jobs(slowed)} slowed on ${where}` : `${jobs(i.runs.length)} live on ${where}`;
  return `${lead} since ${what} at ${fmtTime(i.event.ts_ms)}`;
}

/** Ops page: each kernel or driver event with the runs it touched and what they suffered since. */
export function EventImpacts({ impacts }: { impacts: readonly EventImpact[] }) {
  if (impacts.length === 0) return <p className="muted">No kernel or driver events at warning or above.</p>;
  return (
    <ul className="impacts">
      {impacts.map((i) => (
        <li key={`${i.event.host}|${i.event.seq}`} data-event-kind={i.event.kind}>
          <strong>{headline(i)}</strong>
          {i.degraded_s > 0 ? <span className="muted"> · {fmtDuration(i.degraded_s)} degraded in all</span> : null}
          {i.event.detail ? <div className="muted">{i.event.detail}</div> : null}
          {i.runs.length > 0 ? (
            <table><thead><tr><th>Run</th><th>App</th><th>User</th><th>Findings since</th><th className="num">Degraded</th></tr></thead>
              <tbody>{i.runs.map((r) => (
                <tr key={r.run_id}><td><Link href={`/runs/${r.run_id}`}>{r.run_id}</Link></td><td>{r.app}</td><td>{r.user}</td><td>{r.kinds.join(', ') || '—'}</td><td className="num">{fmtDuration(r.degraded_s)}</td></tr>
              ))}</tbody></table>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
