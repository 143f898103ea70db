import { describe, expect, it } from 'vitest';
import { ComponentCounters } from './counters.ts';
import { DurationHistogram } from './duration-histogram.ts';
import { counterFamilies, renderPrometheus } from './prometheus-text.ts';

describe('Prometheus text exposition', () => {
  it('merges one family across components, one HELP and TYPE each, labels escaped', () => {
    const a = new ComponentCounters('agent');
    const s = new ComponentCounters('spool');
    a.received = 3;
    s.discard('spool_full', 2);
    s.raise('bus_down', 'said "no"\nthen left');
    const text = renderPrometheus(counterFamilies([a, s]));
    expect(text.match(/^# TYPE runlens_received_total counter$/gm)).toHaveLength(1);
    expect(text).toContain('runlens_received_total{component="agent"} 3\nrunlens_received_total{component="spool"} 0\n');
    expect(text).toContain('runlens_discarded_total{component="spool",reason="spool_full"} 2');
    expect(text).toContain('runlens_condition{component="spool",condition="bus_down",reason="said \\"no\\"\\nthen left"} 1');
  });

  it('a duration histogram is cumulative, in seconds, with +Inf equal to the count', () => {
    const h = new DurationHistogram('x_duration_seconds', 'x');
    for (const ms of [3, 40, 40, 70_000]) h.observeMs(ms);
    const text = renderPrometheus([h.family()]);
    expect(text).toContain('x_duration_seconds_bucket{le="0.005"} 1\n');
    expect(text).toContain('x_duration_seconds_bucket{le="0.05"} 3\n');
    expect(text).toContain('x_duration_seconds_bucket{le="60"} 3\n');
    expect(text).toContain('x_duration_seconds_bucket{le="+Inf"} 4\nx_duration_seconds_sum 70.083\nx_duration_seconds_count 4\n');
  });
});
