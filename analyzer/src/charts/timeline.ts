import type { EChartsOption, LineSeriesOption, MarkAreaComponentOption } from 'echarts';
import { type HostSeries, type MarkedEvent, type MarkedFinding, type Point, withGaps } from './series.ts';

const SEVERITY_COLOUR = { info: 'rgba(80,130,220,0.15)', warning: 'rgba(240,160,40,0.22)', critical: 'rgba(220,50,50,0.25)' } as const;

type MarkAreaData = NonNullable<MarkAreaComponentOption['data']>[number];

/** Overlapping findings get their labels at alternating edges, so they stay readable. */
export function toMarkArea(f: MarkedFinding, i = 0): MarkAreaData {
  const position = i % 2 === 0 ? 'insideTopLeft' : 'insideBottomLeft';
  return [
    { name: f.kind, xAxis: f.start_ts, itemStyle: { color: SEVERITY_COLOUR[f.severity] }, label: { position } },
    { xAxis: f.end_ts },
  ];
}

export interface TimelineSpec {
  readonly unit: string;
  readonly series: readonly HostSeries[];
  /** Findings already chosen for this resource; host '' means the whole run (marked on every host). */
  readonly findings: readonly MarkedFinding[];
  /** Kernel and driver events on the run's hosts: a vertical line on their host's series. */
  readonly events?: readonly MarkedEvent[];
  readonly bucketMs: number;
  readonly yMax?: number;
  /** Divide values by this for display (bytes → MiB). */
  readonly scale?: number;
}

const scaled = (points: readonly Point[], by: number): readonly Point[] =>
  by === 1 ? points : points.map((p) => ({ ts: p.ts, value: p.value === null ? null : p.value / by }));

/** One line per host, time on x; findings as shaded areas; a missing point is a gap, never 0. */
export function buildTimelineOption(spec: TimelineSpec): EChartsOption {
  const onHost = (host: string, i: number): MarkedFinding[] =>
    spec.findings.filter((f) => f.host === host || (f.host === '' && i === 0));
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 36, bottom: 40 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: spec.unit, ...(spec.yMax === undefined ? {} : { max: spec.yMax }) },
    series: spec.series.map((s, i) => ({
      type: 'line' as const,
      name: s.host,
      showSymbol: false,
      connectNulls: false,
      data: withGaps(scaled(s.points, spec.scale ?? 1), spec.bucketMs * 2.5),
      markArea: { silent: false, label: { show: true, fontSize: 11, color: '#333' }, data: onHost(s.host, i).map((f, j) => toMarkArea(f, j)) },
      markLine: eventLines((spec.events ?? []).filter((e) => e.host === s.host)),
    })),
  };
}

const EVENT_COLOUR: Record<string, string> = { info: '#5a8', warning: '#d80', critical: '#c22' };

/** Node events as dashed vertical lines labelled with their kind. */
function eventLines(events: readonly MarkedEvent[]): NonNullable<LineSeriesOption['markLine']> {
  return {
    symbol: 'none', silent: false, label: { show: true, position: 'insideEndTop', fontSize: 10, formatter: '{b}' },
    data: events.map((e) => ({ name: e.kind, xAxis: e.ts, lineStyle: { type: 'dashed', color: EVENT_COLOUR[e.severity] ?? '#888' } })),
  };
}
