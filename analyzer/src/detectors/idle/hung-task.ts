import type { FindingDraft } from '../detector.ts';
import { ownedEvents } from '../node-events.ts';
import type { HostEvent, HostView } from '../../window/run-window.ts';
import { HELD } from './held.ts';

/**
 * The kernel's hung-task watchdog (kernel/hung_task.c) names a task of the run that sat in
 * uninterruptible sleep longer than hung_task_timeout_secs: the kernel's own word that it made
 * no progress. It is an `idle` finding (the vocabulary's "no progress: hung, or waiting") at
 * pid scope, with the D-state advice, rather than a kind of its own: operators act on it as on a
 * run stuck in D, and the mount it waits on has its own filesystem_stall when the kernel says so.
 * The watchdog names a thread id; it is the run's when that id was sampled as one of its pids
 * (every single-threaded process, and a multi-threaded one's main thread).
 */
function toDraft(h: HostView, e: HostEvent): FindingDraft {
  const blocked = Number(/blocked>(\d+)s/.exec(e.detail)?.[1] ?? NaN);
  const seconds = Number.isFinite(blocked) ? blocked : null;
  return {
    kind: 'idle', scope: 'pid', scope_id: String(e.pid ?? ''), host: h.host,
    start_ts: seconds === null ? e.ts : e.ts - seconds * 1000, end_ts: e.ts, severity: 'warning', confidence: 0.95,
    message: `Hung task: the kernel reports ${e.comm || 'a task'} (pid ${e.pid ?? '?'}) on ${h.host} blocked in uninterruptible sleep for more than ${seconds ?? '?'} s`,
    advice: `${HELD.D.advice} The kernel printed its stack after the line: dmesg -T | grep -A25 "task ${e.comm}:${e.pid ?? ''} blocked".`,
    evidence: { pid: e.pid, comm: e.comm, blocked_s: seconds, process_state: 'D', source: 'hung_task', attributed_by: e.owned_by, kernel_line: e.raw },
  };
}

/** Hung-task reports that name one of the run's processes. */
export function hungTasks(hosts: readonly HostView[]): FindingDraft[] {
  return hosts.flatMap((h) => ownedEvents(h, ['hung_task']).map((e) => toDraft(h, e)));
}
