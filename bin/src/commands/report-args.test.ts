import { describe, expect, it } from 'vitest';
import { parseReportArgs } from './report-args.ts';

describe('parseReportArgs', () => {
  it.each([[[], 'text'], [['--json'], 'json'], [['--html'], 'html'], [['--md'], 'md']] as const)('%j prints %s', (flags, format) => {
    expect(parseReportArgs(['r-1', ...flags])).toEqual({ runId: 'r-1', format });
  });

  it('without a run id asks for the newest run', () => {
    expect(parseReportArgs(['--json'])).toEqual({ runId: '', format: 'json' });
  });

  it('refuses two formats at once', () => {
    expect(parseReportArgs(['r', '--json', '--html'])).toEqual({ kind: 'usage_error', message: 'choose one of --json, --html; see runlens report --help' });
  });

  it('gives help without a run id', () => {
    expect(parseReportArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
