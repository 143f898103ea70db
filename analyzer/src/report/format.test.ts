import { describe, expect, it } from 'vitest';
import { evidenceEntry, evidenceLine } from './format.ts';

describe('evidence in human units', () => {
  it.each([
    ['slope_bytes_per_s', 30_210_000, ['slope', '28.8 MiB/s']],
    ['min_slope_bytes_per_s', 1_048_576, ['min slope', '1.0 MiB/s']],
    ['bytes_per_s_threshold', 524_288_000, ['threshold', '500.0 MiB/s']],
    ['growth_bytes', 3 * 2 ** 30, ['growth', '3.0 GiB']],
    ['alloc_cores', 4, ['alloc', '4.00 cores']],
    ['cpu_cores_threshold', 3.6, ['cpu threshold', '3.60 cores']],
    ['outside_cores_mean', 0.912, ['outside mean', '0.91 cores']],
    ['throttled_ratio', 0.25, ['throttled', '25%']],
    ['tick_share', 0.9, ['tick share', '90%']],
    ['peer_ratio', 1.734, ['peer ratio', '1.73×']],
    ['idle_s', 125, ['idle', '2 min 5 s']],
    ['start_ts', Date.UTC(2026, 0, 2, 3, 4, 5), ['start', '03:04:05 UTC']],
    ['invol_ctxsw_per_s', 1234.5, ['invol ctxsw', '1230/s']],
    ['ranks', 16, ['ranks', '16']],
    ['heavy_ranks', '3,7', ['heavy ranks', '3,7']],
    ['judged_on', null, ['judged on', 'n/a']],
  ] as const)('%s = %s reads %j', (key, value, want) => {
    expect(evidenceEntry(key, value)).toEqual(want);
  });

  it('joins a finding\'s evidence on one line', () => {
    expect(evidenceLine({ slope_bytes_per_s: 30_210_000, growth_bytes: 2 ** 30 })).toBe('slope 28.8 MiB/s · growth 1.0 GiB');
  });
});
