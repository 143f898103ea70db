import { describe, expect, it } from 'vitest';
import { SELF_RUN_ID } from '../catalog/runs.ts';
import { MAX_HOST_RUNS, hostRunsHeader, parseHostRuns } from './host-runs.ts';

describe('host_runs header', () => {
  it('names each run once, sorted, without RunLens itself or rows outside any run', () => {
    const v = hostRunsHeader(['job-b', '', 'job-a', SELF_RUN_ID, 'job-b', null, 7]);
    expect(v).toBe('job-a,job-b');
    expect(parseHostRuns(v)).toEqual(['job-a', 'job-b']);
  });

  it('says "no run" for an idle host, and nothing where there is no header', () => {
    expect(hostRunsHeader(['', SELF_RUN_ID])).toBe('');
    expect(parseHostRuns('')).toEqual([]);
    expect(parseHostRuns(undefined)).toBeUndefined();
  });

  it('is left out past the bound, and a value no sender of ours writes is not trusted', () => {
    const many = Array.from({ length: MAX_HOST_RUNS + 1 }, (_, i) => `job-${i}`);
    expect(hostRunsHeader(many)).toBeUndefined();
    expect(hostRunsHeader(many.slice(1))?.split(',')).toHaveLength(MAX_HOST_RUNS);
    expect(parseHostRuns(many.join(','))).toBeUndefined();
    expect(parseHostRuns('job-a,,job-b')).toBeUndefined();
    expect(parseHostRuns(`job-a,${SELF_RUN_ID}`)).toBeUndefined();
    expect(parseHostRuns('x'.repeat(300))).toBeUndefined();
    expect(parseHostRuns(','.repeat(1e6))).toBeUndefined();
  });
});
