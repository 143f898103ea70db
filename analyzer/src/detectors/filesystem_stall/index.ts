import { groupBy } from '@runlens/schemas';
import { defineDetector, round } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import type { HostEvent, HostView } from '../../window/run-window.ts';

/** A stall this long (or one still open at the run's end) is critical: jobs on the mount sit in D state. */
export const CRITICAL_STALL_S = 60;

interface Stall { readonly from: HostEvent; readonly to: HostEvent | null }

/** "not responding" opens a stall on a server (repeats extend it), the next "OK" closes it. */
export function stalls(events: readonly HostEvent[]): Stall[] {
  const out: Stall[] = [];
  let open: HostEvent | null = null;
  for (const e of events) {
    if (e.kind === 'fs_not_responding') open ??= e;
    else if (e.kind === 'fs_ok' && open) {
      out.push({ from: open, to: e });
      open = null;
    }
  }
  return open ? [...out, { from: open, to: null }] : out;
}

function advice(server: string, detail: string): string {
  if (detail.startsWith('lustre')) {
    return `Lustre target ${server} (${detail}) lost its connection: file IO on that file system blocked meanwhile. `
      + `Check lfs check servers and lctl get_param osc.*${server}*.import on the node, and tell operations (the OSS/MDS or the network to it).`;
  }
  return `NFS server ${server} stopped answering: processes reading or writing its mounts (mount | grep ${server}) sat in D state meanwhile. `
    + `Check nfsstat -c and rpcinfo -p ${server} from the node and the network path to it, tell operations; `
    + 'keep job IO on local or parallel scratch instead of NFS home/project mounts.';
}

function toDraft(h: HostView, live: { start: number; end: number }, s: Stall): FindingDraft | null {
  const end = s.to?.ts ?? live.end;
  if (s.from.ts > live.end || end < live.start) return null;
  const seconds = Math.max(0, (end - s.from.ts) / 1000);
  const server = s.from.device;
  const still = s.to === null;
  return {
    kind: 'filesystem_stall', scope: 'host', scope_id: server, host: h.host, start_ts: s.from.ts, end_ts: end,
    severity: still || seconds >= CRITICAL_STALL_S ? 'critical' : 'warning', confidence: 0.9,
    message: `File system ${server} stopped responding on ${h.host} for ${round(seconds, 1)} s${still ? ' and was still stalled at the run\'s end' : ''}`,
    advice: advice(server, s.from.detail),
    evidence: { server, fs: s.from.detail.split(/[ ,]/)[0] ?? '', stalled_s: round(seconds, 3), still_stalled: still, kernel_line: s.from.raw },
  };
}

/** NFS / Lustre servers that stopped answering while the run was live on the host (kernel "not responding" → "OK"). */
export const filesystemStall = defineDetector({
  id: 'filesystem_stall',
  description: 'An NFS or Lustre server stopped responding while the run was live (how long, or still at its end).',
  evaluate(w) {
    return (w.hosts ?? []).flatMap((h) => {
      const live = h.live;
      if (!live || (h.events?.length ?? 0) === 0) return [];
      const fs = (h.events ?? []).filter((e) => e.kind === 'fs_not_responding' || e.kind === 'fs_ok');
      return [...groupBy(fs, (e) => e.device)].flatMap(([, evs]) => stalls(evs).map((s) => toDraft(h, live, s)))
        .filter((d): d is FindingDraft => d !== null);
    });
  },
});
