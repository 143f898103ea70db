import type { Finding } from '@runlens/schemas';
import type { FindingDraft } from './detector.ts';

/**
 * The second an episode starts in, as its id names it. Agents stamp a host's ticks within their
 * second, and a run of several hosts is summed per second to the nearest one (tick-agg.ts
 * mergeBySecond): the same first tick reads ...578722 while one host has sent it and ...579000
 * once both have. So an episode first seen with one host, and the same episode judged again with
 * both (the whole run at its end, another replica taking the run over), keep one id.
 */
const episodeSecond = (startTs: number): number => Math.round(startTs / 1000) * 1000;

/**
 * A draft becomes a finding of a run; the id is stable for an episode: the one it continues
 * (`episode`, set by the live tracker once the episode was published), else its kind, scope and
 * start second. A finding learned after the run's verdict was frozen gets an id of its own, so it
 * never replaces a row of the verdict.
 */
export function stampFinding(runId: string, d: FindingDraft, afterEnd = false): Finding {
  const { episode, ...finding } = d;
  const id = episode ?? episodeId(d);
  return { ...finding, run_id: runId, phase: d.phase ?? null, finding_id: afterEnd ? `${id}:after_end` : id, after_end: afterEnd ? 1 : 0 };
}

/** The id an episode starting with this draft gets (its run's findings are told apart by it). */
export function episodeId(d: Pick<FindingDraft, 'kind' | 'scope' | 'scope_id' | 'start_ts'>): string {
  return `${d.kind}:${d.scope}:${d.scope_id}:${episodeSecond(d.start_ts)}`;
}
