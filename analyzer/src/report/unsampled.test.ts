import { describe, expect, it } from 'vitest';
import { type TreeAndSamples, unsampledGap, unsampledSentence } from './unsampled.ts';

const GiB = 1024 ** 3;

/** The gap and its sentence, against the kernel's totals as the report's summary carries them. */
function said(t: TreeAndSamples): { gap: ReturnType<typeof unsampledGap>; sentence: string | null } {
  const gap = unsampledGap(t);
  const sentence = unsampledSentence({ ...(gap ? { unsampled: gap } : {}), cpu_user_s: t.kernel.cpu_s, cpu_sys_s: 0, read_bytes: t.kernel.read_bytes, write_bytes: t.kernel.write_bytes });
  return { gap, sentence };
}

describe('what no per-process sample holds', () => {
  it('says what a command shorter than a sample left out of the per-process view', () => {
    // A dd that wrote 2 GiB in 0.8 s between two ticks: the only sample is of its wrapper.
    const { gap, sentence } = said({ kernel: { cpu_s: 0.9, read_bytes: 0, write_bytes: 2 * GiB }, sampled: { cpu_s: 0, read_bytes: 0, write_bytes: 0 } });
    expect(gap).toEqual({ cpu_s: 0.9, read_bytes: null, write_bytes: 2 * GiB });
    expect(sentence).toBe('0.9 s of 0.9 s CPU (100%), 2.0 GiB of 2.0 GiB written (100%) fell between the 1 s samples (processes shorter than a second, and each one\'s last second)');
  });

  it('is silent where the samples hold most of the run, or the gap is a last second', () => {
    // A 60 s one-core run: its last half second is missing from the samples, and that is expected.
    expect(said({ kernel: { cpu_s: 60, read_bytes: 10 * GiB, write_bytes: GiB }, sampled: { cpu_s: 59.5, read_bytes: 9.9 * GiB, write_bytes: GiB } })).toEqual({ gap: null, sentence: null });
    // A large share of a tiny run: 0.3 s of CPU is not a pattern.
    expect(said({ kernel: { cpu_s: 0.3, read_bytes: 0, write_bytes: 4096 }, sampled: { cpu_s: 0, read_bytes: 0, write_bytes: 0 } }).gap).toBeNull();
  });

  it('counts a share of each total on its own, and never a negative gap', () => {
    // make: many compilers between samples; their reads are mostly from cache the samples saw.
    const make = said({ kernel: { cpu_s: 40, read_bytes: GiB, write_bytes: 200 * 1024 ** 2 }, sampled: { cpu_s: 12, read_bytes: 0.9 * GiB, write_bytes: 300 * 1024 ** 2 } });
    expect(make.gap).toEqual({ cpu_s: 28, read_bytes: null, write_bytes: null });
    expect(make.sentence).toMatch(/^28\.0 s of 40\.0 s CPU \(70%\) fell between/);
    // A daemon left behind is sampled but never reaped: the samples exceed the kernel's totals.
    expect(said({ kernel: { cpu_s: 1, read_bytes: null, write_bytes: null }, sampled: { cpu_s: 5, read_bytes: null, write_bytes: null } }).gap).toBeNull();
  });
});
