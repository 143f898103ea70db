import type { Finding, HostEventRow } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { reportEvents, reportLog } from './run-log.ts';

const finding = (kind: string, host: string, start_ts: number, end_ts: number, severity = 'warning'): Finding =>
  ({ kind, host, start_ts, end_ts, severity, after_end: 0 }) as unknown as Finding;
const event = (kind: string, host: string, ts_ms: number): HostEventRow =>
  ({ kind, host, ts_ms, seq: ts_ms, severity: 'critical', pid: 7, comm: 'a', device: '', detail: '', raw: `${kind} line` });

describe('report log and events', () => {
  it('links an event to the finding of its family on its host and time, never another host\'s', () => {
    const fs = [finding('filesystem_stall', 'n1', 10_000, 60_000), finding('filesystem_stall', 'n2', 10_000, 60_000), finding('cpu_bound', 'n1', 0, 90_000)];
    const ev = reportEvents([event('fs_not_responding', 'n1', 12_000), event('gpu_xid', 'n1', 12_000), event('fs_ok', 'n3', 50_000)], fs);
    expect(ev.map((e) => e.findings)).toEqual([['filesystem_stall'], [], []]);
  });

  it('tags each line with the findings and events around it, counts the lines not kept and names the job\'s output files', () => {
    const fs = [finding('oom_killed', 'n1', 30_000, 30_000, 'critical'), finding('cpu_bound', 'n1', 0, 10_000, 'info')];
    const events = reportEvents([event('oom_kill', 'n1', 30_000)], fs);
    const lines = [
      { ts_ms: 5_000, host: 'n1', stream: 'stderr', seq: 40, line: 'start' },
      { ts_ms: 29_000, host: 'n1', stream: 'stderr', seq: 41, line: 'allocating' },
    ];
    const log = reportLog(lines, fs, events, ['stdout_path=/home/a/slurm-4.out', 'stderr_path=/home/a/slurm-4.err']);
    expect(log?.lines.map((l) => l.near)).toEqual([[], ['oom_killed', 'oom_kill']]);
    expect(log?.omitted).toBe(40);
    expect(log?.output_paths).toEqual(['/home/a/slurm-4.out', '/home/a/slurm-4.err']);
    expect(reportLog([], fs, events, [])).toBeNull();
  });
});
