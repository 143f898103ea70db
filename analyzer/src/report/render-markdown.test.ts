import { describe, expect, it } from 'vitest';
import type { RunReport } from '@runlens/schemas';
import { codeBlock, mdText, renderMarkdown } from './render-markdown.ts';
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

  describe('the run\'s end, node events and log tail', () => {
    const start = SAMPLE_REPORT.run.start_ts;
    const hostile = ['alloc 1 GiB', '```', 'done ```` here', '~~~', '<script>alert(1)</script> | [x](javascript:1)', 'bell \u0007 esc \u001b[31m'];
    const report: RunReport = {
      ...SAMPLE_REPORT,
      run: { ...SAMPLE_REPORT.run, exit_code: 137, ending: { how: 'oom_killed', exit_code: 137, signal: 'SIGKILL', detail: 'OOM-killed: solver (pid 4242) at its 64 MiB cgroup limit', source: 'kernel_event' } },
      events: [
        { ts: start + 3000, host: 'n1', kind: 'hung_task', severity: 'warning', pid: 4242, comm: 'solver', device: '', detail: 'blocked for more than 120 seconds', raw: 'INFO: task solver:4242 blocked for more than 120 seconds.', findings: ['idle'] },
        { ts: start + 5000, host: 'n1', kind: 'oom_kill', severity: 'critical', pid: 4242, comm: 'solver|<b>', device: '', detail: 'memcg', raw: 'Memory cgroup out of memory: Killed process 4242 (solver)', findings: ['oom_killed'] },
      ],
      log: { lines: hostile.map((line, i) => ({ ts: start + 4000 + i * 100, host: 'n1', stream: 'stderr', seq: i, line, near: i === 0 ? ['oom_kill'] : [] })), omitted: 7, output_paths: ['/home/a/slurm-42.out'] },
    };
    const out = renderMarkdown(report);
    const lines = out.split('\n');

    it('says how the run ended, with what said so', () => {
      expect(out).toContain('| ended | **oom killed**: OOM-killed: solver (pid 4242) at its 64 MiB cgroup limit (from kernel event) |');
      expect(out).toContain('| exit code | 137 |');
      const signalled = renderMarkdown({ ...SAMPLE_REPORT, run: { ...SAMPLE_REPORT.run, ending: { how: 'signal', exit_code: 139, signal: 'SIGSEGV', detail: 'killed by SIGSEGV (exit 139)', source: 'exit_code' } } });
      expect(signalled).toContain('| ended | **signal**: killed by SIGSEGV (exit 139) |');
      expect(renderMarkdown(SAMPLE_REPORT)).not.toContain('| ended |');
    });

    it('lists the node events (hung task, OOM kill) with the findings they explain, names kept inert', () => {
      expect(out).toContain('## Node events');
      expect(out).toContain('| +3.0 s | n1 | hung\\_task | solver (pid 4242) | blocked for more than 120 seconds | idle |');
      expect(out).toContain('| +5.0 s | n1 | oom\\_kill | solver\\|\\<b\\> (pid 4242) | memcg | oom\\_killed |');
    });

    it('puts every kept log line in one code block that no line can close, counting what was left out', () => {
      expect(out).toContain('6 of 13 stderr lines kept.');
      expect(out).toContain('Job output: /home/a/slurm-42.out');
      const open = lines.findIndex((l, i) => i > lines.indexOf('## Log tail') && /^`{3,}text$/.test(l));
      const fence = /^`+/.exec(lines[open] ?? '')?.[0] ?? '';
      expect(fence.length).toBe(5);
      // CommonMark: the block ends at the first line that is a backtick run at least as long as the opening one.
      const close = lines.findIndex((l, i) => i > open && new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`).test(l));
      const inside = lines.slice(open + 1, close);
      expect(inside).toHaveLength(hostile.length);
      expect(inside[0]).toBe('   +4.0 s  alloc 1 GiB   [near oom_kill]');
      expect(inside[1]).toBe('   +4.1 s  ```');
      expect(inside[4]).toContain('<script>alert(1)</script> | [x](javascript:1)');
      expect(inside[5]).toBe('   +4.5 s  bell \\x07 esc \\x1b[31m');
      expect(lines[close + 2]).toBe('## Baseline');
    });

    it('fences with three backticks when the text has none, and more than the longest run otherwise', () => {
      expect(codeBlock(['plain'])).toEqual(['```text', 'plain', '```']);
      expect(codeBlock(['a ```````` b'])[0]).toBe('`````````text');
      expect(codeBlock(['`'], '')).toEqual(['```', '`', '```']);
    });
  });
});
