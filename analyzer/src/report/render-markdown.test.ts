import { describe, expect, it } from 'vitest';
import { mdText, renderMarkdown } from './render-markdown.ts';
import { renderText } from './render-text.ts';
import { SAMPLE_REPORT } from './testdata/sample-report.ts';

describe('renderMarkdown', () => {
  const md = renderMarkdown(SAMPLE_REPORT);

  it('has the text report\'s sections: summary, resources, findings, top processes, baseline', () => {
    expect(md.split('\n')[0]).toBe('# RunLens report r-sample');
    expect(md).toContain('| CPU | 0.40 cores used of 4 allocated (efficiency 10%; user 40.0 s, sys 8.0 s) |');
    expect(md).toContain('| peak RSS | 3.5 GiB |');
    expect(md.indexOf('## Resources')).toBeLessThan(md.indexOf('## Findings'));
    expect(md).toContain('## Top processes');
    expect(md).toContain('## Baseline\n\n20% slower than the median of 5 earlier runs (efficiency 10%)');
  });

  it('gives each finding its severity, advice and evidence in human units', () => {
    expect(md).toContain('### ‼️ `memory_leak` (critical, confidence 80%)');
    expect(md).toContain('**Advice:** Run the solver under heaptrack on one rank.');
    expect(md).toContain('Evidence: slope 28.8 MiB/s · growth 3.0 GiB · min slope 1.0 MiB/s');
    expect(md).not.toContain('30210000');
  });

  it('keeps names from the measured system inert: no table cell, tag or link from a process name', () => {
    const row = md.split('\n').find((l) => l.includes('4243'));
    expect(row).toBe('| gzip\\|\\<b\\> | 4243 | n1 | 3.0 s | 1.0 MiB | 0 B |');
    expect(mdText('# [x](javascript:1) - 1. a')).toBe('\\# \\[x\\](javascript:1) - 1. a');
    expect(mdText('1. first')).toBe('1\\. first');
  });

  it('the text report shows the same evidence and a per-resource bar', () => {
    const text = renderText(SAMPLE_REPORT);
    expect(text).toContain('evidence: slope 28.8 MiB/s · growth 3.0 GiB · min slope 1.0 MiB/s');
    expect(text).toMatch(/^ {4}CPU {6}▕██ {18}▏ {2}10% of 4 cores/m);
    expect(text).toMatch(/^ {4}memory {3}▁[▁-█]+█ {2}peak 3\.5 GiB$/m);
    expect(text).toContain('outside load 0.66 cores');
  });
});
