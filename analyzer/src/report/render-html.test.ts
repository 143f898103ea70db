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

  it('shows how the run ended, its node events and its stderr tail, escaped, next to the findings they sit by', async () => {
    const start = SAMPLE_REPORT.run.start_ts;
    const r = runReportSchema.parse({
      ...SAMPLE_REPORT,
      run: { ...SAMPLE_REPORT.run, ending: { how: 'oom_killed', exit_code: 137, signal: 'SIGKILL', detail: 'OOM-killed: solver (pid 4242)', source: 'kernel_event' } },
      events: [{ ts: start + 5000, host: 'n1', kind: 'oom_kill', severity: 'critical', pid: 4242, comm: 'solver', device: '', detail: 'memcg', raw: 'Memory cgroup out of memory: Killed process 4242 (solver)', findings: ['oom_killed'] }],
      log: { lines: [{ ts: start + 4900, host: 'n1', stream: 'stderr', seq: 7, line: 'alloc <b>1 GiB</b>', near: ['oom_kill'] }], omitted: 7, output_paths: ['/home/a/slurm-42.out'] },
    });
    const html = await renderHtml(r);
    expect(html).toContain('<th>ended</th><td>OOM-killed: solver (pid 4242)</td>');
    expect(html).toMatch(/<tr data-event-kind="oom_kill"><td>\+5\.0 s<\/td><td>n1<\/td><td>oom_kill<\/td><td>solver \(pid 4242\)<\/td><td>memcg<\/td><td>oom_killed<\/td><\/tr>/);
    expect(html).toContain('1 of 8 stderr lines kept');
    expect(html).toContain('alloc &lt;b&gt;1 GiB&lt;/b&gt; <b>← oom_kill</b>');
    expect(html).toContain('<code>/home/a/slurm-42.out</code>');
  });
});
