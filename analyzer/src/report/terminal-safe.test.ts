import type { RunReport } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { renderText } from './render-text.ts';
import { terminalSafe } from './terminal-safe.ts';

/** Issue 11 item 9: names from the measured system must not reach the terminal as control sequences. */
const ESC = '\u001b';
const hostile = `${ESC}]0;pwned\u0007${ESC}[2J${ESC}[31mred\u009b1A\r\u202etxt.exe`;

function report(name: string): RunReport {
  return {
    report_version: 1,
    run: { run_id: 'r1', app: name, user: 'ann', cmd: `./${name} --x`, hosts: ['n1'], start_ts: 0, end_ts: 1000, exit_code: 0,
      status: 'finished', alloc_cores: 1, alloc_gpus: 0, job_id: '' },
    summary: { wall_s: 1, cpu_user_s: 1, cpu_sys_s: 0, cpu_cores_mean: 1, cpu_efficiency: 1, peak_rss_bytes: 1, read_bytes: 0,
      write_bytes: 0, rchar: 0, wchar: 0, totals_source: 'kernel', samples: 1, processes: 1, gpu: null,
      top_processes: [{ pid: 7, comm: name, host: 'n1', rank: null, cpu_s: 1, peak_rss_bytes: 1, write_bytes: 0, read_bytes: 0 }], absent: [] },
    findings: [], phases: [], baseline: null,
  };
}

// C0 except nothing, DEL, C1, bidi controls: none may be printed raw.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('shows ESC, BEL, CR, C1 CSI and a bidi override as visible escapes', () => {
    expect(terminalSafe(hostile)).toBe('\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred\\x9b1A\\x0d\\u202etxt.exe');
  });

  it('leaves ordinary names, including non-ASCII letters, unchanged', () => {
    expect(terminalSafe('solver-π_2 (mpi) é')).toBe('solver-π_2 (mpi) é');
  });

  it('leaves no control character in any of the 0-0x3000 code points', () => {
    const all = Array.from({ length: 0x3000 }, (_, i) => String.fromCharCode(i)).join('');
    expect(CONTROL.test(terminalSafe(all))).toBe(false);
  });
});

describe('renderText with hostile app, command and process names', () => {
  it('prints no control characters, and keeps the names readable', () => {
    const text = renderText(report(hostile));
    const lines = text.split('\n');
    expect(lines.some((l) => CONTROL.test(l))).toBe(false);
    expect(text).toContain('app=\\x1b]0;pwned');
    expect(text).toContain('command      ./\\x1b]0;pwned');
    expect(lines.find((l) => l.includes('      7 '))).toMatch(/^ {4}\\x1b\]0;pwned\\x07\\x +7 /); // the column keeps its 18 chars
  });
});
