import type { Row } from '@runlens/schemas';
import type { HostEvent } from '../window/run-window.ts';

/** A host's kernel event before it is judged against a run. */
export type StoredEvent = Omit<HostEvent, 'owned_by'>;

/** Events a host keeps at most (besides the host history time limit): a flapping link must not grow memory. */
export const MAX_HOST_EVENTS = 1000;
/** Pids and memory cgroups a run remembers per host; beyond this a fork bomb's pids are not all kept. */
export const MAX_RUN_PIDS_PER_HOST = 8192;
export const MAX_RUN_CGROUPS_PER_HOST = 16;
/** An OOM kill or crash ends the run's last process between two samples: look this far past the last tick. */
export const EVENT_GRACE_MS = 10_000;
const RAW_CHARS = 512;

export function storedEvent(r: Row<'node_events'>): StoredEvent {
  return {
    ts: r.ts, seq: r.seq, kind: r.kind, severity: r.severity, pid: r.pid, comm: r.comm, device: r.device, code: r.code,
    cgroup: r.cgroup, rss_bytes: r.rss_bytes, limit_bytes: r.limit_bytes, detail: r.detail, raw: r.raw.slice(0, RAW_CHARS),
  };
}

/** Adds to a bounded set; false when it is full (the value is then not kept). */
export function addBounded<T>(map: Map<string, Set<T>>, key: string, value: T, cap: number): boolean {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set<T>()));
  if (set.has(value)) return true;
  if (set.size >= cap) return false;
  set.add(value);
  return true;
}

/** The memory cgroup is the run's or one below it; never the root, which holds everything. */
function inCgroups(cgroup: string, runCgroups: ReadonlySet<string>): boolean {
  if (cgroup === '' || cgroup === '/') return false;
  for (const cg of runCgroups) {
    if (cg === '' || cg === '/') continue;
    if (cgroup === cg || cgroup.startsWith(`${cg.replace(/\/$/, '')}/`)) return true;
  }
  return false;
}

export interface RunOnHost {
  readonly pids: ReadonlySet<number>;
  readonly cgroups: ReadonlySet<string>;
  readonly live: { readonly start: number; readonly end: number };
}

/**
 * The host's events up to the run's end (plus grace), each marked owned when it names one of the
 * run's processes while the run was live: pids are reused, so a pid alone outside that time is not enough.
 */
export function eventsForRun(events: readonly StoredEvent[], run: RunOnHost): HostEvent[] {
  const end = run.live.end + EVENT_GRACE_MS;
  return events.filter((e) => e.ts <= end).map((e) => {
    if (e.ts < run.live.start - EVENT_GRACE_MS) return { ...e, owned_by: null };
    if (e.pid !== null && run.pids.has(e.pid)) return { ...e, owned_by: 'pid' };
    return { ...e, owned_by: inCgroups(e.cgroup, run.cgroups) ? 'cgroup' : null };
  });
}
