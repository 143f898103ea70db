import type { Finding } from '@runlens/schemas';
import { evidenceLine, fmtTime, rankFindings } from '../server/format.ts';

/** The "why slow" verdict: findings ranked by severity then confidence, with evidence and advice. */
export function Verdict({ findings }: { findings: readonly Finding[] }) {
  const ranked = rankFindings(findings);
  return (
    <section className="card" data-testid="verdict">
      <h2>Verdict</h2>
      {ranked.length === 0 ? <p className="muted">No findings: nothing bounded this run beyond its allocation.</p> : null}
      {ranked.map((f) => (
        <div key={f.finding_id} className={`finding ${f.severity}`} data-kind={f.kind}>
          <div><strong>{f.kind}</strong> <span className={`sev-${f.severity}`}>{f.severity}</span>
            <span className="muted"> · {f.scope}{f.scope_id ? ` ${f.scope_id}` : ''} · {fmtTime(f.start_ts)} → {fmtTime(f.end_ts).slice(11)} · confidence {(f.confidence * 100).toFixed(0)} %</span></div>
          <div>{f.message}</div>
          {f.advice ? <div><em>Advice:</em> {f.advice}</div> : null}
          <div className="evidence muted">{evidenceLine(f.evidence)}</div>
        </div>
      ))}
    </section>
  );
}
