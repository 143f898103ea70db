import { describe, expect, it } from 'vitest';
import { marksResource } from './resources.ts';
import type { MarkedFinding } from './series.ts';
import { buildTimelineOption } from './timeline.ts';

const cpuBound: MarkedFinding = { kind: 'cpu_bound', severity: 'info', host: '', start_ts: 1000, end_ts: 5000 };
const onB: MarkedFinding = { kind: 'cpu_interference', severity: 'warning', host: 'b', start_ts: 2000, end_ts: 3000 };
const series = [
  { host: 'a', points: [{ ts: 1000, value: 0.9 }, { ts: 2000, value: null }, { ts: 3000, value: 1 }] },
  { host: 'b', points: [{ ts: 1000, value: 0.5 }, { ts: 9000, value: 0.5 }] },
];

type Line = { name: string; data: [number, number | string][]; markArea: { data: [{ name: string; xAxis: number }, { xAxis: number }][] }; markLine?: { data: unknown[] } };

describe('buildTimelineOption', () => {
  const opt = buildTimelineOption({ unit: 'cores', series, findings: [cpuBound, onB], bucketMs: 1000 });
  const lines = opt.series as Line[];

  it('draws one line per host on a time axis', () => {
    expect(lines.map((l) => l.name)).toEqual(['a', 'b']);
    expect(opt.xAxis).toMatchObject({ type: 'time' });
  });
  it('shows a missing sample as a gap, never as 0', () => {
    expect(lines[0]!.data[1]).toEqual([2000, '-']);
    expect(lines[1]!.data).toEqual([[1000, 0.5], [5000, '-'], [9000, 0.5]]);
  });
  it('marks a host finding on its host and a run finding once', () => {
    expect(lines[0]!.markArea.data.map((m) => m[0].name)).toEqual(['cpu_bound']);
    expect(lines[1]!.markArea.data.map((m) => [m[0].name, m[0].xAxis, m[1].xAxis])).toEqual([['cpu_interference', 2000, 3000]]);
  });
  it('scales values for display', () => {
    const mib = buildTimelineOption({ unit: 'MiB', scale: 2 ** 20, series: [{ host: 'a', points: [{ ts: 0, value: 2 ** 21 }] }], findings: [], bucketMs: 1000 });
    expect((mib.series as Line[])[0]!.data).toEqual([[0, 2]]);
  });
});

describe('node events on the timeline', () => {
  it('draws each event as a vertical line labelled with its kind, on its own host only', () => {
    const series = [{ host: 'a', points: [{ ts: 0, value: 1 }] }, { host: 'b', points: [{ ts: 0, value: 1 }] }];
    const o = buildTimelineOption({ unit: 'cores', series, findings: [], bucketMs: 1000, events: [{ kind: 'gpu_xid', severity: 'critical', host: 'b', ts: 5000 }] });
    const lines = (o.series as Line[]).map((s) => (s.markLine?.data ?? []) as { name?: string; xAxis?: number }[]);
    expect(lines[0]).toEqual([]);
    expect(lines[1]).toEqual([expect.objectContaining({ name: 'gpu_xid', xAxis: 5000 })]);
  });
});

describe('marksResource', () => {
  it('puts findings on the timeline of their resource', () => {
    expect(marksResource('cpu_bound', 'cpu')).toBe(true);
    expect(marksResource('io_bound', 'cpu')).toBe(false);
    expect(marksResource('memory_leak', 'memory')).toBe(true);
    expect(marksResource('gpu_idle', 'gpu')).toBe(true);
  });
});
