import { buildTimelineOption } from '@runlens/analyzer/charts/timeline';
import { describe, expect, it } from 'vitest';
import { withTimeZoom } from './zoom.ts';

describe('withTimeZoom', () => {
  const base = buildTimelineOption({ unit: 'cores', bucketMs: 1000, findings: [], series: [{ host: 'n1', points: [{ ts: 5000, value: 1 }] }] });

  it('pins every chart to the run window so one zoom means the same time on each', () => {
    const o = withTimeZoom(base, { from_ms: 1000, to_ms: 9000 });
    expect(o.xAxis).toMatchObject({ type: 'time', min: 1000, max: 9000 });
    expect((o.dataZoom as { type: string }[]).map((d) => d.type)).toEqual(['inside', 'slider']);
    expect(o.series).toBe(base.series);
  });

  it('leaves out the slider on small multiples', () => {
    const o = withTimeZoom(base, { from_ms: 1000, to_ms: 9000 }, true);
    expect((o.dataZoom as { type: string }[]).map((d) => d.type)).toEqual(['inside']);
    expect(o.legend).toEqual({ show: false });
  });
});
