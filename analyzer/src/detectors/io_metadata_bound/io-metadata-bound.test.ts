import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { MB, T0, makeWindow } from '../testdata/windows.ts';
import { ioMetadataBound } from './index.ts';

describe('io_metadata_bound', () => {
  it('warns about metadata.mjs creating, renaming and unlinking files: 84% of its CPU in the kernel, 3.5 kB/s of storage', () => {
    const [f, ...rest] = ioMetadataBound.evaluate(recordedHost('io_metadata_bound', 'metadata-storm', 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'io_metadata_bound', severity: 'warning', scope: 'run', host: 'h1', confidence: 0.84, start_ts: T0, end_ts: T0 + 14_070 });
    expect(f?.evidence).toEqual({ sys_share_mean: 0.84, storage_bytes_per_s_mean: 3504, min_sys_share: 0.6, max_bytes_per_s: 8 * 1024 * 1024 });
    expect(f?.message).toContain('84% of CPU time in the kernel');
    expect(f?.advice).toMatch(/strace -c -f/);
  });

  it('is silent when the same storm lasts 8.5 s of a 20 s window (7 of 20 ticks, under half)', () => {
    expect(ioMetadataBound.evaluate(recordedHost('io_metadata_bound', 'metadata-storm-8s', 1))).toEqual([]);
  });

  it('draws the kernel-share line at 60%: 0.59 of the CPU in sys is silent, 0.61 fires', () => {
    const at = (sys: number) => makeWindow({ n: 10, tick: () => ({ cpu_cores: 1, sys_cores: sys, user_cores: 1 - sys }) });
    expect(ioMetadataBound.evaluate(at(0.59))).toEqual([]);
    expect(ioMetadataBound.evaluate(at(0.61))[0]?.evidence.sys_share_mean).toBe(0.61);
  });

  it('is silent for kernel-heavy streaming: 8 MiB/s or more through read/write is bandwidth, not metadata', () => {
    const w = makeWindow({ n: 10, tick: () => ({ cpu_cores: 1, sys_cores: 0.9, syscall_bytes_per_s: 10 * MB }) });
    expect(ioMetadataBound.evaluate(w)).toEqual([]);
  });
});
