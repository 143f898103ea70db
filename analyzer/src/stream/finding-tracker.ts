import type { FindingDraft } from '../detectors/detector.ts';

interface Episode {
  draft: FindingDraft;
  start: number;
  hits: number;
  misses: number;
  raised: boolean;
}

const keyOf = (d: FindingDraft): string => `${d.kind}|${d.scope}|${d.scope_id}`;

/**
 * Persistence and hysteresis: a finding is raised after `raiseAfter` consecutive
 * evaluations that fire, and closed after `clearAfter` that do not, so a value hovering
 * at a threshold does not flap. An episode keeps its start, hence its id, while it lasts.
 */
export class FindingTracker {
  private episodes = new Map<string, Episode>();

  constructor(private readonly raiseAfter = 2, private readonly clearAfter = 3) {}

  /** One live evaluation; returns the findings to publish (newly raised or extended). */
  update(drafts: readonly FindingDraft[]): FindingDraft[] {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const d of drafts) {
      const k = keyOf(d);
      seen.add(k);
      const e = this.episodes.get(k) ?? { draft: d, start: d.start_ts, hits: 0, misses: 0, raised: false };
      e.hits++;
      e.misses = 0;
      e.draft = d;
      this.episodes.set(k, e);
      if (e.raised || e.hits >= this.raiseAfter) {
        e.raised = true;
        out.push(this.stamp(e));
      }
    }
    for (const [k, e] of this.episodes) {
      if (seen.has(k)) continue;
      if (++e.misses >= this.clearAfter || !e.raised) this.episodes.delete(k);
    }
    return out;
  }

  /**
   * The end-of-run evaluation over the whole run is authoritative: everything it finds is
   * published at once, joined to a live episode of the same kind and scope if there is one.
   */
  final(drafts: readonly FindingDraft[]): FindingDraft[] {
    return drafts.map((d) => {
      const e = this.episodes.get(keyOf(d));
      return e ? { ...d, start_ts: Math.min(e.start, d.start_ts), end_ts: Math.max(e.draft.end_ts, d.end_ts) } : d;
    });
  }

  private stamp(e: Episode): FindingDraft {
    return { ...e.draft, start_ts: Math.min(e.start, e.draft.start_ts) };
  }
}
