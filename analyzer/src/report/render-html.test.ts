import { runReportSchema } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './render-html.ts';
import { SAMPLE_REPORT } from './testdata/sample-report.ts';

describe('renderHtml', () => {
  it('is one self-contained page with an SVG chart per sampled resource, findings shaded', async () => {
    const html = await renderHtml(SAMPLE_REPORT);
    const figures = [...html.matchAll(/<figure class="chart" data-resource="(\w+)">.*?<\/figure>/gs)];
    expect(figures.map((f) => f[1])).toEqual(['cpu', 'memory', 'io']);
    for (const f of figures) expect(f[0]).toMatch(/<svg [^>]*viewBox="0 0 760 240"/);
    // Each finding shades the chart of its resource, labelled with its kind.
    expect(figures[0]![0]).toContain('cpu_interference');
    expect(figures[1]![0]).toContain('memory_leak');
    expect(figures[0]![0]).toContain('allocated 4');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i);
  });

  it('shows evidence in human units, the top processes and the per-resource bars', async () => {
    const html = await renderHtml(SAMPLE_REPORT);
    expect(html).toContain('<span>slope <b>28.8 MiB/s</b></span>');
    expect(html).not.toContain('30210000');
    expect(html).toMatch(/<table data-testid="processes">.*<td>solver<\/td><td class="num">4242<\/td>/s);
    expect(html).toContain('<td>gzip|&lt;b&gt;</td>');
    expect(html).toMatch(/<th>CPU<\/th><td class="bar">▕██ +▏<\/td><td>10% of 4 cores/);
  });

  it('escapes host names inside the charts, and renders a report without a timeline with no charts', async () => {
    const hostile = runReportSchema.parse({ ...SAMPLE_REPORT, timeline: { ...SAMPLE_REPORT.timeline!, cpu: SAMPLE_REPORT.timeline!.cpu.map((s) => ({ ...s, host: '<img src=x onerror=alert(1)>' })) } });
    const html = await renderHtml(hostile);
    expect(html).not.toContain('<img');
    const { timeline: _t, ...old } = SAMPLE_REPORT;
    expect(await renderHtml(old)).not.toContain('<svg');
  });
});
