import type { Finding, HostEventRow, ReportEvent, ReportLog, RunLogLine } from '@runlens/schemas';

/** A log line or event this close to a finding's time range (or to an event) is shown beside it. */
export const NEAR_MS = 5_000;

/** Which findings a node event of each kind is evidence for (analyzer/src/detectors). */
const FINDING_OF_EVENT: Record<string, string> = {
  oom_kill: 'oom_killed', segfault: 'process_crashed', trap: 'process_crashed', gpu_xid: 'hardware_fault', mce: 'hardware_fault',
  edac: 'hardware_fault', link_down: 'hardware_fault', link_up: 'hardware_fault', fs_not_responding: 'filesystem_stall', fs_ok: 'filesystem_stall',
  hung_task: 'idle', soft_lockup: 'hardware_fault',
};

const within = (ts: number, start: number, end: number): boolean => ts >= start - NEAR_MS && ts <= end + NEAR_MS;
const sameHost = (a: string, b: string): boolean => a === '' || b === '' || a === b;
const verdict = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.after_end !== 1 && f.severity !== 'info');

/** The run's node events, each with the findings it is evidence for (same kind family, same host, same time). */
export function reportEvents(events: readonly HostEventRow[], findings: readonly Finding[]): ReportEvent[] {
  const fs = verdict(findings);
  return events.map((e) => {
    const linked = fs.filter((f) => f.kind === FINDING_OF_EVENT[e.kind] && sameHost(f.host, e.host) && within(e.ts_ms, f.start_ts, f.end_ts));
    return {
      ts: e.ts_ms, host: e.host, kind: e.kind, severity: e.severity, pid: e.pid, comm: e.comm, device: e.device, detail: e.detail, raw: e.raw,
      findings: [...new Set(linked.map((f) => f.kind))],
    };
  });
}

/** The kept tail, each line tagged with the findings and events around it; null when nothing was kept or named. */
export function reportLog(lines: readonly RunLogLine[], findings: readonly Finding[], events: readonly ReportEvent[], tags: readonly string[]): ReportLog | null {
  const paths = tags.filter((t) => t.startsWith('stdout_path=') || t.startsWith('stderr_path=')).map((t) => t.slice(t.indexOf('=') + 1));
  const outputPaths = [...new Set(paths)].filter((p) => p !== '');
  if (lines.length === 0 && outputPaths.length === 0) return null;
  const fs = verdict(findings);
  const firstSeq = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.host}\u0000${l.stream}`;
    firstSeq.set(k, Math.min(firstSeq.get(k) ?? Infinity, l.seq));
  }
  return {
    lines: lines.map((l) => {
      const near = [
        ...fs.filter((f) => sameHost(f.host, l.host) && within(l.ts_ms, f.start_ts, f.end_ts)).map((f) => f.kind),
        ...events.filter((e) => e.host === l.host && within(l.ts_ms, e.ts, e.ts)).map((e) => e.kind),
      ];
      return { ts: l.ts_ms, host: l.host, stream: l.stream, seq: l.seq, line: l.line, near: [...new Set(near)] };
    }),
    omitted: [...firstSeq.values()].reduce((a, b) => a + b, 0),
    output_paths: outputPaths,
  };
}
