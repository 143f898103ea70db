import type { Finding } from '@runlens/schemas';
import { DEFAULT_HYSTERESIS, type FindingDraft, type Hysteresis } from '../detectors/detector.ts';
import { episodeId } from '../detectors/stamp.ts';

interface Episode {
  draft: FindingDraft;
  start: number;
  /** Tick time of the first and of the latest evaluation that fired, without a gap. */
  firstTick: number;
  lastTick: number;
  raised: boolean;
  /** Tick and severity of the last publication: an open episode is re-published only when it changes or now and then. */
  publishedTick: number;
  publishedSeverity: string;
  /** Its id, fixed at its first publication (or taken from another replica's): every later version and the final verdict keep it. */
  id: string | null;
}

/** An open episode's growing end is re-published at most this often (ticks); a new severity at once. */
export const REFRESH_TICKS = 5;

const keyOf = (d: FindingDraft): string => `${d.kind}|${d.scope}|${d.scope_id}`;

/** Ticks from `from` to `to` inclusive, at `tickMs` per tick (rounded: agents' ticks jitter). */
const ticksBetween = (from: number, to: number, tickMs: number): number => Math.round((to - from) / tickMs) + 1;

/**
 * Persistence and hysteresis counted in ticks, each kind with its own minimum: a finding is
 * raised once it has fired on `minTicks` consecutive ticks, and its episode closes after
 * `clearTicks` ticks without it, so a value hovering at a threshold does not flap. An episode
 * keeps its start, hence its id, while it lasts. Evaluations may skip ticks (a late batch brings
 * several at once); durations come from the ticks' own times, not from how often we looked.
 */
export class FindingTracker {
  private episodes = new Map<string, Episode>();
  /** The last publication of every episode raised live, closed ones too, by id. */
  private readonly published = new Map<string, FindingDraft>();
  /** Episodes another replica published for the run before this one took it over (adopt), the newest per kind and scope. */
  private readonly adopted = new Map<string, FindingDraft & { readonly episode: string }>();

  constructor(private readonly policy: (d: FindingDraft) => Hysteresis = () => DEFAULT_HYSTERESIS, private readonly tickMs = 1000) {}

  /** One live evaluation at the run's tick `tickTs`; returns the findings to publish: newly raised, changed in severity, or extended (every REFRESH_TICKS). */
  update(drafts: readonly FindingDraft[], tickTs: number): FindingDraft[] {
    const out: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const d of drafts) {
      const k = keyOf(d);
      seen.add(k);
      const h = this.policy(d);
      // A pending episode that missed one evaluation was dropped below: firing must be unbroken.
      const e = this.episodes.get(k) ?? this.continued(k, d, h, tickTs) ?? {
        draft: d, start: d.start_ts, firstTick: tickTs, lastTick: tickTs, raised: false, publishedTick: -Infinity, publishedSeverity: '', id: null,
      };
      e.lastTick = tickTs;
      e.draft = d;
      this.episodes.set(k, e);
      if (!e.raised && ticksBetween(e.firstTick, tickTs, this.tickMs) < h.minTicks) continue;
      e.raised = true;
      // Publishing every extension at every tick would write each open finding once a second.
      if (e.publishedSeverity === d.severity && ticksBetween(e.publishedTick, tickTs, this.tickMs) <= REFRESH_TICKS) continue;
      e.publishedTick = tickTs;
      e.publishedSeverity = d.severity;
      const stamped = this.stamp(e);
      this.published.set(stamped.episode as string, stamped);
      out.push(stamped);
    }
    for (const [k, e] of this.episodes) {
      if (seen.has(k)) continue;
      const quiet = ticksBetween(e.lastTick, tickTs, this.tickMs) - 1;
      if (!e.raised || quiet >= this.policy(e.draft).clearTicks) this.episodes.delete(k);
    }
    return out;
  }

  /**
   * The end-of-run evaluation over the whole run is authoritative: everything it finds is
   * published at once, joined to a live episode of the same kind and scope if there is one.
   */
  final(drafts: readonly FindingDraft[]): FindingDraft[] {
    return drafts.map((d) => {
      const k = keyOf(d);
      const e = this.episodes.get(k);
      if (e) return { ...d, start_ts: Math.min(e.start, d.start_ts), end_ts: Math.max(e.draft.end_ts, d.end_ts), ...(e.id ? { episode: e.id } : {}) };
      const a = this.adopted.get(k);
      return a ? { ...d, start_ts: Math.min(a.start_ts, d.start_ts), end_ts: Math.max(a.end_ts, d.end_ts), episode: a.episode } : d;
    });
  }

  /**
   * Findings of this run that another replica published before this one took the run over (kill
   * -9, a rebalance; read from the store): an episode of the same kind and scope that this
   * replica's evaluations continue keeps their id, as the final verdict does, and one the verdict
   * does not confirm is restated like this replica's own (`unconfirmed`). Without this, the new
   * owner, judging the run from a later tick, opened the same episode under a second id.
   */
  adopt(findings: readonly Finding[]): void {
    for (const f of findings) {
      if (f.after_end === 1) continue;
      const { finding_id, run_id: _run, after_end: _after, ...rest } = f;
      const d = { ...rest, episode: finding_id };
      const k = keyOf(d);
      if ((this.adopted.get(k)?.end_ts ?? -Infinity) < d.end_ts) this.adopted.set(k, d);
      this.published.set(finding_id, d);
    }
  }

  /** An adopted episode that a new draft continues: it overlaps it, or follows it within the ticks a quiet spell and a refresh take. */
  private continued(k: string, d: FindingDraft, h: Hysteresis, tickTs: number): Episode | undefined {
    const a = this.adopted.get(k);
    if (!a || d.start_ts > a.end_ts + (h.clearTicks + REFRESH_TICKS) * this.tickMs) return undefined;
    this.adopted.delete(k);
    return { draft: d, start: a.start_ts, firstTick: tickTs, lastTick: tickTs, raised: true, publishedTick: -Infinity, publishedSeverity: '', id: a.episode };
  }

  /**
   * Live findings of a kind and scope that the whole-run evaluation does not confirm at all: seen
   * live (a ramp that later held, a neighbour for a few seconds) but not what bounded the run. They
   * stay in the verdict under their id, restated as `info` with `live_only`, so the frozen verdict
   * never keeps a warning that contradicts its own whole-run judgement.
   */
  unconfirmed(finalDrafts: readonly FindingDraft[]): FindingDraft[] {
    const confirmed = new Set(finalDrafts.map(keyOf));
    return [...this.published.values()].filter((d) => !confirmed.has(keyOf(d)) && d.severity !== 'info').map((d) => ({
      ...d, severity: 'info', evidence: { ...d.evidence, live_only: true, live_severity: d.severity },
      message: `Seen live for ${Math.round((d.end_ts - d.start_ts) / 1000)} s, not over the whole run: ${d.message}`,
    }));
  }

  private stamp(e: Episode): FindingDraft {
    const d = { ...e.draft, start_ts: Math.min(e.start, e.draft.start_ts) };
    e.id ??= episodeId(d);
    return { ...d, episode: e.id };
  }
}
