import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { mib, ownedEvents } from '../node-events.ts';
import { type HostEvent, type HostView, hasEvents } from '../../window/run-window.ts';

function advice(e: HostEvent): string {
  if (e.limit_bytes !== null) {
    return `The process reached its memory cgroup limit of ${mib(e.limit_bytes)}. If it needs that much, ask for more memory `
      + `(sbatch/srun --mem=${Math.ceil((e.limit_bytes * 1.5) / 2 ** 30)}G or --mem-per-cpu, or raise the cgroup's memory limit); `
      + 'if its memory should not grow that far, fix the leak (see the run\'s RSS timeline and any memory_leak finding). '
      + `The kernel's full report: dmesg -T | grep -B5 -A30 "Killed process ${e.pid ?? ''}".`;
  }
  return 'The whole node ran out of memory (no cgroup limit) and the kernel chose this process: ask for memory explicitly '
    + '(sbatch --mem=…) so the scheduler confines and places the job, run fewer ranks per node or reduce per-process memory; '
    + `check dmesg -T | grep -A30 "Out of memory" on ${e.device || 'the node'} for what else was using it.`;
}

function toDraft(h: HostView, e: HostEvent): FindingDraft {
  const memcg = e.detail === 'memcg' || e.limit_bytes !== null;
  const against = e.limit_bytes !== null ? ` against its cgroup limit of ${mib(e.limit_bytes)}` : ' with no cgroup limit (the node was out of memory)';
  return {
    kind: 'oom_killed', scope: 'pid', scope_id: String(e.pid ?? ''), host: h.host, start_ts: e.ts, end_ts: e.ts,
    severity: 'critical', confidence: e.owned_by === 'pid' ? 0.98 : 0.9,
    message: `Out of memory: the kernel killed ${e.comm || 'a process'} (pid ${e.pid ?? '?'}) on ${h.host} at ${mib(e.rss_bytes)} RSS${against}`,
    advice: advice(e),
    evidence: {
      pid: e.pid, comm: e.comm, rss_bytes: e.rss_bytes, limit_bytes: e.limit_bytes,
      rss_of_limit: e.rss_bytes !== null && e.limit_bytes ? round(e.rss_bytes / e.limit_bytes, 3) : null,
      oom: memcg ? 'memcg' : 'global', cgroup: e.cgroup, attributed_by: e.owned_by, kernel_line: e.raw,
    },
  };
}

/** The kernel's OOM killer took one of the run's processes (node_events oom_kill, by pid or memory cgroup). */
export const oomKilled = defineDetector({
  id: 'oom_killed',
  description: 'The kernel OOM-killed a process of the run (its memory at the kill against the limit).',
  evaluate(w) {
    if (!(w.hosts ?? []).some(hasEvents)) return [];
    return (w.hosts ?? []).flatMap((h) => ownedEvents(h, ['oom_kill']).map((e) => toDraft(h, e)));
  },
});
