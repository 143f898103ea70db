import type { Finding, FindingKind } from '@runlens/schemas';
import type { RunWindow } from '../window/run-window.ts';

/** A finding before it is stamped with ids and a run: detectors stay pure. */
export type FindingDraft = Omit<Finding, 'finding_id' | 'run_id' | 'phase'> & { readonly phase?: number | null };

export interface DetectorDef {
  readonly id: FindingKind;
  readonly description: string;
  /** False for detectors that only make sense over a whole finished run. */
  readonly live?: boolean;
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
