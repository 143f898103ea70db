import { FINDING_KINDS } from '@runlens/schemas';
import { detectorRegistry } from '@runlens/analyzer/detectors/registry';
import { RESOURCES, RESOURCE_IDS, marksResource } from '@runlens/analyzer/charts/resources';
import { Nav } from '../../components/nav.tsx';
import { Readme } from '../../components/readme.tsx';
import { dashboardContext } from '../../server/context.ts';
import { requireIdentity } from '../../server/session.ts';

const describe = (kind: string): string | null =>
  (Object.values(detectorRegistry) as readonly { id: string; description: string }[]).find((d) => d.id === kind)?.description ?? null;

/**
 * The findings guide: every kind of the vocabulary with its detector's own description and
 * README (what it means, when it fires, why, what to do, caveats). Every finding links here.
 */
export default async function GuidePage() {
  const me = await requireIdentity();
  const { findingNotes } = dashboardContext();
  const notes = await Promise.all(FINDING_KINDS.map(async (k) => [k, await findingNotes(k)] as const));
  return (
    <>
      <Nav id={me} />
      <main className="guide">
        <h1>Findings guide</h1>
        <p className="muted">{FINDING_KINDS.map((k, i) => <span key={k}>{i > 0 ? ' · ' : ''}<a href={`#${k}`}>{k}</a></span>)}</p>
        {notes.map(([kind, md]) => {
          const charts = RESOURCE_IDS.filter((r) => marksResource(kind, r)).map((r) => RESOURCES[r].label);
          return (
            <section key={kind} id={kind} className="card" data-kind={kind}>
              <h2>{kind}</h2>
              {describe(kind) ? <p><strong>{describe(kind)}</strong></p> : null}
              {charts.length > 0 ? <p className="muted">Shaded on the run page&apos;s {charts.join(', ')} timeline{charts.length > 1 ? 's' : ''}.</p> : null}
              {md ? <Readme markdown={md} /> : <p className="muted">Judged by the analyzer outside the detectors (at the run&apos;s end, or where the hardware allows); the finding&apos;s message and advice say what was seen and what to do.</p>}
            </section>
          );
        })}
      </main>
    </>
  );
}
