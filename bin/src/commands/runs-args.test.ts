import { describe, expect, it } from 'vitest';
import { parseRunsArgs } from './runs-args.ts';

const DEFAULTS = { app: '', user: '', all: false, status: '', kind: '', sinceMs: 0, limit: 20, json: false };

describe('parseRunsArgs', () => {
  it('lists the newest 20 of any app, status and age by default', () => {
    expect(parseRunsArgs([])).toEqual(DEFAULTS);
  });

  it('reads every filter', () => {
    expect(parseRunsArgs(['--app', 'cfd', '--status', 'failed', '--kind', 'load_imbalance', '--since', '36h', '-n', '5', '--json']))
      .toEqual({ ...DEFAULTS, app: 'cfd', status: 'failed', kind: 'load_imbalance', sinceMs: 36 * 3_600_000, limit: 5, json: true });
    expect(parseRunsArgs(['--since', '30m'])).toMatchObject({ sinceMs: 1_800_000 });
    expect(parseRunsArgs(['--since=7d', '--limit=500', '--all'])).toMatchObject({ sinceMs: 7 * 86_400_000, limit: 500, all: true });
    expect(parseRunsArgs(['--user', 'ann'])).toMatchObject({ user: 'ann', all: false });
  });

  it.each([
    [['-n', '0'], '--limit must be a whole number from 1 to 500, not 0'],
    [['--limit', '501'], '--limit must be a whole number from 1 to 500, not 501'],
    [['--limit', '2.5'], '--limit must be a whole number from 1 to 500, not 2.5'],
    [['--since', '5x'], '--since takes an age such as 30m, 24h or 7d, not 5x'],
    [['--since', '-1h'], '--since takes an age such as 30m, 24h or 7d, not -1h'],
    [['--status', 'done'], '--status must be one of running, finished, failed, lost, not done'],
    [['--all', '--user', 'ann'], 'give --user or --all, not both'],
    [['--app', 'a'.repeat(257)], '--app is longer than 256 characters'],
    [['--kind', 'k'.repeat(65)], '--kind is longer than 64 characters'],
    [['stray'], 'unexpected argument stray for runlens runs'],
  ])('%j is a usage error that says why', (argv, why) => {
    expect(parseRunsArgs(argv)).toEqual({ kind: 'usage_error', message: `${why}; see runlens runs --help` });
  });

  it('gives help', () => {
    expect(parseRunsArgs(['--status', 'nonsense', '-h'])).toEqual({ kind: 'help' });
  });
});
