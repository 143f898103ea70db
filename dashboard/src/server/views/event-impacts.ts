import type { Store } from '@runlens/pipeline';
import { type LiveRunRow, type NodeEventRow, type RunFindingSpan, causeEvents, findingSpans, runsLiveOn, runsOfPids } from '@runlens/schemas';

/** How far back a process must have been seen as a run's for a pid event to name that run. */
const PID_LOOKBACK_MS = 120_000;
/** A finding whose window starts a little before the event can still be its consequence. */
const SLACK_MS = 30_000;

export interface TouchedRun { run_id: string; app: string; user: string; kinds: string[]; degraded_s: number }
export interface EventImpact { event: NodeEventRow; runs: TouchedRun[]; degraded_s: number }

/**
 * Kernel and driver events linked to the runs they touched, with those runs' findings since:
 * "3 jobs slowed on node X since the link flapped at 10:04". An event that names a process
 * (OOM kill, segfault, hung task) touches the run that process belonged to; an event on a node,
 * GPU, link or file system touches every run live on that host at that moment. Ranked by runs
 * touched, then by the time those runs spent degraded afterwards.
 */
export async function eventImpacts(store: Store, fromMs: number, nowMs: number): Promise<EventImpact[]> {
  const events = await causeEvents(store, fromMs);
  if (events.length === 0) return [];
  const live = await runsLiveOn(store, [...new Set(events.map((e) => e.host))], fromMs, nowMs);
  const owners = await pidOwners(store, events);
  const touched = new Map(events.map((e) => [e, touchedBy(e, live, owners)]));
  const spans = await findingSpans(store, [...new Set([...touched.values()].flat().map((r) => r.run_id))], fromMs - SLACK_MS);
  return events
    .map((event) => impact(event, touched.get(event) ?? [], spans, nowMs))
    .sort((a, b) => b.runs.length - a.runs.length || b.degraded_s - a.degraded_s || b.event.ts_ms - a.event.ts_ms);
}

const eventKey = (e: NodeEventRow): string => `${e.host}|${e.seq}`;

async function pidOwners(store: Store, events: readonly NodeEventRow[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.pid === null) continue;
    const rows = await runsOfPids(store, e.host, [e.pid], e.ts_ms - PID_LOOKBACK_MS, e.ts_ms + 5000);
    out.set(eventKey(e), new Set(rows.map((r) => r.run_id)));
  }
  return out;
}

function touchedBy(e: NodeEventRow, live: readonly LiveRunRow[], owners: Map<string, Set<string>>): LiveRunRow[] {
  const owner = owners.get(eventKey(e));
  if (owner) return live.filter((r) => owner.has(r.run_id));
  return live.filter((r) => r.hosts.includes(e.host) && r.start_ms <= e.ts_ms && (r.end_ms === null || r.end_ms >= e.ts_ms));
}

function impact(event: NodeEventRow, runs: readonly LiveRunRow[], spans: readonly RunFindingSpan[], nowMs: number): EventImpact {
  const out = runs.map((r): TouchedRun => {
    const after = spans.filter((s) => s.run_id === r.run_id && (s.host === '' || s.host === event.host) && s.end_ms >= event.ts_ms - SLACK_MS);
    const degraded = after.reduce((sum, s) => sum + Math.max(0, Math.min(s.end_ms, nowMs) - Math.max(s.start_ms, event.ts_ms)), 0);
    return { run_id: r.run_id, app: r.app, user: r.user, kinds: [...new Set(after.map((s) => s.kind))], degraded_s: degraded / 1000 };
  });
  return { event, runs: out, degraded_s: out.reduce((s, r) => s + r.degraded_s, 0) };
}
