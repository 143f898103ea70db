import type { Finding } from '@runlens/schemas';
import { evidenceLine, fmtTime, rankFindings } from '../server/format.ts';
import { GuideLink } from './guide-link.tsx';

/**
 * The "why slow" verdict: findings ranked by severity then confidence, with evidence and advice.
 * `afterEnd`: the findings learned after the verdict was frozen at the run's end, shown apart (and
 * not at all when there are none).
 */
export function Verdict({ findings, afterEnd = false }: { findings: readonly Finding[]; afterEnd?: boolean }) {
  const ranked = rankFindings(findings);
  if (afterEnd && ranked.length === 0) return null;
  return (
    <section className="card" data-testid={afterEnd ? 'after-end' : 'verdict'}>
      <h2>{afterEnd ? 'Learned after the run ended' : 'Verdict'}</h2>
      {afterEnd ? <p className="muted">Not part of the verdict, which was frozen at the run&apos;s end: late data or a later analysis.</p> : null}
      {!afterEnd && ranked.length === 0 ? <p className="muted">No findings: nothing bounded this run beyond its allocation.</p> : null}
      {ranked.map((f) => (
        <div key={f.finding_id} className={`finding ${f.severity}`} data-kind={f.kind}>
          <div><GuideLink kind={f.kind} /> <span className={`sev-${f.severity}`}>{f.severity}</span>
            <span className="muted"> · {f.scope}{f.scope_id ? ` ${f.scope_id}` : ''} · {fmtTime(f.start_ts)} → {fmtTime(f.end_ts).slice(11)} · confidence {(f.confidence * 100).toFixed(0)} %</span></div>
          <div>{f.message}</div>
          {f.advice ? <div><em>Advice:</em> {f.advice}</div> : null}
          <div className="evidence muted">{evidenceLine(f.evidence)}</div>
        </div>
      ))}
    </section>
  );
}
