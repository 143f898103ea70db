import { describe, expect, it } from 'vitest';
import { renderRunList } from './render-runs.ts';
import type { RunListItem } from './run-list.ts';

const T0 = Date.UTC(2026, 11, 6, 9, 30);
const run = (over: Partial<RunListItem>): RunListItem => ({
  run_id: 'r1', app: 'cfd', user: 'ann', status: 'finished', start_ms: T0, end_ms: T0 + 95_000, exit_code: 0, cmd: './cfd',
  hosts: 2, alloc_cores: 4, efficiency: 0.874, top_finding: null, ...over,
});

describe('renderRunList', () => {
  it('gives one aligned line per run: start, wall, ending, hosts, efficiency and the top finding', () => {
    const text = renderRunList([
      run({ run_id: 'r2', status: 'running', end_ms: null, exit_code: null, efficiency: null }),
      run({ status: 'failed', exit_code: 3, top_finding: { kind: 'load_imbalance', severity: 'warning', message: 'm' } }),
    ], T0 + 30_000);
    expect(text.split('\n')).toEqual([
      'RUN ID               APP              STARTED (UTC)            WALL ENDED     HOSTS CPU EFF  TOP FINDING',
      'r2                   cfd              2026-12-06 09:30      30.0 s+ running       2       -  -',
      'r1                   cfd              2026-12-06 09:30   1 min 35 s exit 3        2     87%  [!] load_imbalance',
    ]);
  });

  it('adds the user column only when several users own the runs', () => {
    const text = renderRunList([run({}), run({ run_id: 'r2', user: 'bob' })]);
    expect(text.split('\n')[0]).toContain(' USER ');
    expect(text.split('\n')[2]).toMatch(/^r2 +cfd +bob +2026/);
    expect(renderRunList([run({}), run({ run_id: 'r2' })]).split('\n')[0]).not.toContain('USER');
  });

  it('cuts long names with an ellipsis and lets no terminal escape through', () => {
    const line = renderRunList([run({ app: `\u001b]0;pwned\u0007-a-very-long-app-name` })]).split('\n')[1] ?? '';
    expect(line).not.toContain('\u001b');
    expect(line).toMatch(/^r1 {19}\\x1b\]0;pwned\\x0… 2026-12-06 09:30 /);
  });

  it('says so when nothing matches', () => {
    expect(renderRunList([])).toBe('no runs match (runlens run records one)');
  });
});
