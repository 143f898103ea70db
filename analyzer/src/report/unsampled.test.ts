import { describe, expect, it } from 'vitest';
import { unsampledNote } from './unsampled.ts';

const GiB = 1024 ** 3;

describe('unsampledNote', () => {
  it('says what a command shorter than a sample left out of the per-process view', () => {
    // A dd that wrote 2 GiB in 0.8 s between two ticks: the only sample is of its wrapper.
    const [note, ...rest] = unsampledNote({ kernel: { cpu_s: 0.9, read_bytes: 0, write_bytes: 2 * GiB }, sampled: { cpu_s: 0, read_bytes: 0, write_bytes: 0 } });
    expect(rest).toEqual([]);
    expect(note).toMatch(/^per process: 0\.9 s of 0\.9 s CPU \(100%\), 2\.0 GiB of 2\.0 GiB written \(100%\) fell between the 1 s samples/);
    expect(note).not.toMatch(/read/);
  });

  it('is silent where the samples hold most of the run, or the gap is a last second', () => {
    // A 60 s one-core run: its last half second is missing from the samples, and that is expected.
    expect(unsampledNote({ kernel: { cpu_s: 60, read_bytes: 10 * GiB, write_bytes: GiB }, sampled: { cpu_s: 59.5, read_bytes: 9.9 * GiB, write_bytes: GiB } })).toEqual([]);
    // A large share of a tiny run: 0.3 s of CPU is not a pattern.
    expect(unsampledNote({ kernel: { cpu_s: 0.3, read_bytes: 0, write_bytes: 4096 }, sampled: { cpu_s: 0, read_bytes: 0, write_bytes: 0 } })).toEqual([]);
  });

  it('counts a share of each total on its own, and never a negative gap', () => {
    // make: many compilers between samples; their reads are mostly from cache the samples saw.
    const [note] = unsampledNote({ kernel: { cpu_s: 40, read_bytes: GiB, write_bytes: 200 * 1024 ** 2 }, sampled: { cpu_s: 12, read_bytes: 0.9 * GiB, write_bytes: 300 * 1024 ** 2 } });
    expect(note).toMatch(/^per process: 28\.0 s of 40\.0 s CPU \(70%\) fell between/);
    // A daemon left behind is sampled but never reaped: the samples exceed the kernel's totals.
    expect(unsampledNote({ kernel: { cpu_s: 1, read_bytes: null, write_bytes: null }, sampled: { cpu_s: 5, read_bytes: null, write_bytes: null } })).toEqual([]);
  });
});
