import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTotals } from './child.ts';

/*
 * Captured on this machine (CLK_TCK 100) with the wrapper's own epilogue:
 *   sh -c 'dd if=/dev/zero of=/tmp/x bs=1M count=10 conv=fsync 2>/dev/null; cat /proc/$$/stat /proc/$$/io'
 *   sh -c 'dd if=/dev/zero of=/dev/null bs=512 count=3000000 2>/dev/null; cat /proc/$$/stat /proc/$$/io'
 * The reaped dd's IO and CPU (cutime 42, cstime 66 ticks) show up in sh's files.
 */
const TD = join(import.meta.dirname, '..', 'testdata');
const golden = (name: string): string => readFileSync(join(TD, name), 'latin1');
const MiB = 1024 * 1024;

describe('parseTotals on real wrapper output', () => {
  it('reports the 10 MiB dd wrote as the tree write_bytes', () => {
    const t = parseTotals(golden('sh-totals-dd-10mib.txt'), 100);
    expect(t).toEqual({ cpu_user_s: 0, cpu_sys_s: 0, read_bytes: 28672, write_bytes: 10518528, rchar: 10496716, wchar: 10485854 });
    expect(t?.write_bytes ?? 0).toBeGreaterThanOrEqual(10 * MiB);
    expect(t?.write_bytes ?? 0).toBeLessThan(10.1 * MiB);
  });

  it('adds the reaped children (cutime, cstime) to the CPU times', () => {
    expect(parseTotals(golden('sh-totals-cpu.txt'), 100)).toMatchObject({ cpu_user_s: 0.42, cpu_sys_s: 0.66, write_bytes: 0 });
  });

  it('divides by the clock tick rate it is given', () => {
    expect(parseTotals(golden('sh-totals-cpu.txt'), 1000)).toMatchObject({ cpu_user_s: 0.042, cpu_sys_s: 0.066 });
  });

  it('returns null when the io part is missing (io unreadable, or output cut short)', () => {
    const text = golden('sh-totals-dd-10mib.txt');
    const statOnly = text.slice(0, text.indexOf('\n') + 1);
    expect(parseTotals(statOnly, 100)).toBeNull();
    expect(parseTotals(text.slice(0, text.indexOf('write_bytes')), 100)).toBeNull();
  });

  it('returns null for empty output (the wrapper was killed) and for garbage', () => {
    expect(parseTotals('', 100)).toBeNull();
    expect(parseTotals('not a stat line\nwrite_bytes: 5\n', 100)).toBeNull();
    const text = golden('sh-totals-dd-10mib.txt');
    expect(parseTotals(text.slice(text.indexOf('\n') + 1), 100)).toBeNull(); // io without stat
  });
});
