import { describe, expect, it } from 'vitest';
import { monitoredRun } from './testing/monitored-run.ts';

// 300 stderr lines, one stdout line, then a last stderr line after a pause, then exit 3.
const NOISY = [
  'import sys, time',
  'for i in range(300): print(f"progress {i}", file=sys.stderr)',
  'print("the result on stdout"); sys.stdout.flush()',
  'time.sleep(2)',
  'print("giving up: input.dat missing", file=sys.stderr)',
  'sys.exit(3)',
].join('\n');

describe('runlens run keeps the tail of the command\'s stderr (issue 12 item 3)', () => {
  it('tees stderr (the terminal sees every line, stdout untouched) and the report keeps the last 200 with their times', async () => {
    const { report, code, stderr, stdout } = await monitoredRun(() => ['python3', '-c', NOISY]);
    expect(code, stderr).toBe(3);
    expect(stdout).toBe('the result on stdout\n');
    expect(stderr).toContain('progress 0\n');
    expect(stderr).toContain('progress 299\n');
    const log = report.log;
    expect(log).toBeDefined();
    expect(log?.lines).toHaveLength(200);
    expect(log?.omitted).toBe(101);
    expect(log?.lines[0]).toMatchObject({ stream: 'stderr', seq: 101, line: 'progress 101' });
    const last = log?.lines.at(-1);
    expect(last).toMatchObject({ seq: 300, line: 'giving up: input.dat missing' });
    // The last line came after the pause: its time places it on the run's timeline, after the others.
    expect((last?.ts ?? 0) - (log?.lines[0]?.ts ?? 0)).toBeGreaterThanOrEqual(1500);
    expect(last?.ts).toBeGreaterThanOrEqual(report.run.start_ts);
    expect(last?.ts).toBeLessThanOrEqual(report.run.end_ts ?? 0);
    expect(report.run.ending).toMatchObject({ how: 'failed', exit_code: 3, signal: null, detail: 'exited 3' });
    // The terminal report repeats the end and the last lines.
    expect(stderr).toMatch(/ended +exited 3/);
    expect(stderr).toMatch(/stderr tail +last 10 of 301 lines/);
  }, 90_000);
});
