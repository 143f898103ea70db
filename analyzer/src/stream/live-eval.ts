import type { Finding } from '@runlens/schemas';
import { leadWithCauses } from '../detectors/causes.ts';
import { DEFAULT_HYSTERESIS, type FindingDraft, type Hysteresis } from '../detectors/detector.ts';
import { DETECTORS } from '../detectors/registry.ts';
import type { HostState } from '../state/host-state.ts';
import type { RunState } from '../state/run-state.ts';
import type { RunWindow } from '../window/run-window.ts';
import { trailing } from '../window/trailing.ts';
import { FindingTracker } from './finding-tracker.ts';

const LIVE = DETECTORS.filter((d) => d.live !== false);
const POLICY = new Map<string, Hysteresis>(DETECTORS.map((d) => [d.id, d.hysteresis ?? DEFAULT_HYSTERESIS]));

/** Each detector's own hysteresis (registry), the default for the rest. */
export const hysteresisOf = (d: FindingDraft): Hysteresis => POLICY.get(d.kind) ?? DEFAULT_HYSTERESIS;

/**
 * The live evaluation of runs at a tick: each detector over the trailing long window (or over the
 * newest `liveTicks` ticks where it asks for them), causes leading, then the per-kind hysteresis.
 * Holds one tracker per run until the run's final evaluation takes it.
 */
export class LiveEvaluator {
  private readonly trackers = new Map<string, FindingTracker>();

  constructor(private readonly hosts: ReadonlyMap<string, HostState>, private readonly longWindowMs = 60_000, private readonly tickMs = 1000) {}

  /** Findings to publish after the run's tick `tickTs`: newly raised or extended episodes. */
  evaluate(run: RunState, tickTs: number): FindingDraft[] {
    const long: RunWindow = run.window(this.hosts, tickTs - this.longWindowMs, true);
    // Each short window is cut once per evaluation (a few distinct lengths), in a loop rather than closures made per run and tick.
    const cuts: { from: number; w: RunWindow }[] = [];
    const found: FindingDraft[] = [];
    for (const d of LIVE) {
      let w = long;
      if (d.liveTicks) {
        // Half a tick of slack: ticks of several hosts of one second are stamped apart.
        const from = tickTs - (d.liveTicks - 1) * this.tickMs - this.tickMs / 2;
        const cut = cuts.find((c) => c.from === from);
        if (cut) w = cut.w;
        else cuts.push({ from, w: (w = trailing(long, from)) });
      }
      for (const f of d.evaluate(w)) found.push(f);
    }
    const drafts = leadWithCauses(found);
    return this.tracker(run.run_id).update(drafts, tickTs);
  }

  /**
   * The whole-run verdict joined to the live episodes, and the live warnings it does not confirm
   * restated as info (FindingTracker.unconfirmed); forgets the run.
   */
  final(runId: string, drafts: readonly FindingDraft[]): { verdict: FindingDraft[]; unconfirmed: FindingDraft[] } {
    const t = this.tracker(runId);
    const out = { verdict: t.final(drafts), unconfirmed: t.unconfirmed(drafts) };
    this.trackers.delete(runId);
    return out;
  }

  /** Findings another replica published for this run before this one took it over (FindingTracker.adopt). */
  adopt(runId: string, findings: readonly Finding[]): void {
    this.tracker(runId).adopt(findings);
  }

  /** Forgets a run another replica now owns. */
  forget(runId: string): void {
    this.trackers.delete(runId);
  }

  private tracker(runId: string): FindingTracker {
    let t = this.trackers.get(runId);
    if (!t) this.trackers.set(runId, (t = new FindingTracker(hysteresisOf, this.tickMs)));
    return t;
  }
}
