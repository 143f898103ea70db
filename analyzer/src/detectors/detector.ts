import type { Finding, FindingKind } from '@runlens/schemas';
import type { RunWindow } from '../window/run-window.ts';

/**
 * How long a live finding must hold before it is raised, and stay absent before its episode
 * closes, counted in ticks of the run (1 s each by default) rather than in evaluations, so the
 * evaluation cadence does not change what a finding means.
 */
export interface Hysteresis {
  /** Consecutive ticks the detector must fire before the finding is published (1 = at once). */
  readonly minTicks: number;
  /** Ticks without it before its episode closes; a return within them continues the episode. */
  readonly clearTicks: number;
}

/**
 * For detectors without their own persistence rule: about three seconds of firing, roughly what
 * two evaluations every 2 s asked for before; a close after 10 quiet ticks keeps a value that
 * hovers at a threshold from opening episode after episode.
 */
export const DEFAULT_HYSTERESIS: Hysteresis = { minTicks: 3, clearTicks: 10 };

/** A finding before it is stamped with ids and a run: detectors stay pure. */
export type FindingDraft = Omit<Finding, 'finding_id' | 'run_id' | 'phase'> & {
  readonly phase?: number | null;
  /** The id of the episode this draft continues (stream/finding-tracker.ts): a finding keeps its id while its range widens. */
  readonly episode?: string;
};

export interface DetectorDef {
  readonly id: FindingKind;
  readonly description: string;
  /** False for detectors that only make sense over a whole finished run. */
  readonly live?: boolean;
  /** Live hysteresis; DEFAULT_HYSTERESIS unless the detector's own rule already demands a duration. */
  readonly hysteresis?: Hysteresis;
  /**
   * The live evaluation shows this detector only the run's newest N ticks instead of the long
   * window: for rules judged on a share of the window's ticks, so a fault that starts late in a
   * long run is judged on the recent past, not diluted by the clean minutes before it.
   */
  readonly liveTicks?: number;
  evaluate(window: RunWindow): FindingDraft[];
}

export function defineDetector(def: DetectorDef): DetectorDef {
  return def;
}

/** A run-scoped finding over [start, end]. */
export function runFinding(
  kind: FindingKind, window: RunWindow, range: { start: number; end: number },
  f: Pick<Finding, 'severity' | 'confidence' | 'message' | 'advice' | 'evidence'>,
): FindingDraft {
  return { kind, scope: 'run', scope_id: '', host: window.host, start_ts: range.start, end_ts: range.end, ...f };
}

export function round(x: number, digits = 3): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

export function fullRange(window: RunWindow): { start: number; end: number } {
  return { start: window.ticks[0]?.ts ?? 0, end: window.ticks[window.ticks.length - 1]?.ts ?? 0 };
}
