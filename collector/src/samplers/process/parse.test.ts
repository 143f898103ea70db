import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIo, parseSchedstat, parseStat, parseStatus } from './parse.ts';

/*
 * Golden files captured from this machine's /proc (x86_64, CLK_TCK 100, 4 KiB pages):
 *   sleep/        a `sleep 30` started from bash
 *   comm-parens/  python3 renamed with prctl(PR_SET_NAME, 'a (b) c')
 *   mt-node/      node with 3 worker threads (10 threads in all)
 */
const TD = join(import.meta.dirname, 'testdata');
const golden = (p: string): string => readFileSync(join(TD, p), 'latin1');

describe('parseStat on real /proc/<pid>/stat', () => {
  it('reads every field of a plain process', () => {
    expect(parseStat(golden('sleep/stat'))).toEqual({
      pid: 7646, comm: 'sleep', state: 'S', ppid: 7644, minflt: 138, cminflt: 0, majflt: 0, utime: 0, stime: 0,
      threads: 1, start_ticks: 91821, vsize: 2990080, rss_pages: 421, processor: 1,
    });
  });

  it('keeps spaces and parentheses inside comm and still finds ppid and later fields', () => {
    expect(parseStat(golden('comm-parens/stat'))).toEqual({
      pid: 7496, comm: 'a (b) c', state: 'S', ppid: 7492, minflt: 2923, cminflt: 6547, majflt: 18, utime: 8, stime: 0,
      threads: 1, start_ticks: 91147, vsize: 17145856, rss_pages: 3424, processor: 1,
    });
  });

  it('counts the threads of a multi-threaded process', () => {
    const s = parseStat(golden('mt-node/stat'));
    expect(s?.comm).toBe('node');
    expect(s?.threads).toBe(10);
    expect(s?.utime).toBe(19);
    expect(s?.stime).toBe(4);
    expect(s?.vsize).toBe(2866298880);
    expect(s?.rss_pages).toBe(17334);
  });

  it('handles a comm that is only ")" characters and one that ends in ") "', () => {
    const rest = golden('sleep/stat').slice(golden('sleep/stat').indexOf(')') + 1);
    expect(parseStat(`42 ())${rest}`)?.comm).toBe(')');
    expect(parseStat(`42 (x) S 1)${rest}`)?.comm).toBe('x) S 1');
    expect(parseStat(`42 (x) S 1)${rest}`)?.ppid).toBe(7644);
  });

  it('gives processor -1 when the line stops before field 39 but has rss', () => {
    const fields = golden('sleep/stat').trim().split(' ');
    const upToRss = fields.slice(0, 24).join(' ');
    const s = parseStat(upToRss);
    expect(s?.rss_pages).toBe(421);
    expect(s?.processor).toBe(-1);
  });

  it('rejects a stat line truncated before rss (field 24)', () => {
    const fields = golden('sleep/stat').trim().split(' ');
    expect(parseStat(fields.slice(0, 23).join(' '))).toBeNull();
    expect(parseStat(fields.slice(0, 10).join(' '))).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['newline only', '\n'],
    ['no parentheses', '123 sleep S 1 2 3'],
    ['close before open', '123 )sleep( S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23'],
    ['binary garbage', '\u0000\u0001\u00ff(\u0002'],
    ['non-numeric pid', `abc (x) S ${Array.from({ length: 40 }, (_, i) => i).join(' ')}`],
    ['non-numeric utime', `1 (x) S 1 ${Array.from({ length: 9 }, () => 0).join(' ')} zz ${Array.from({ length: 30 }, () => 0).join(' ')}`],
  ])('returns null, never throws, for %s', (_name, text) => {
    expect(parseStat(text)).toBeNull();
  });
  it('rejects a line whose vsize (field 23) is not a number', () => {
    const fields = golden('sleep/stat').trim().split(' ');
    fields[22] = 'garbage';
    expect(parseStat(fields.join(' '))).toBeNull();
  });
});

describe('parseStatus', () => {
  it('reads VmHWM in bytes and both context-switch counters', () => {
    expect(parseStatus(golden('sleep/status'))).toEqual({ hwm_bytes: 1792 * 1024, vol_ctxsw: 1, invol_ctxsw: 0 });
    expect(parseStatus(golden('comm-parens/status'))).toEqual({ hwm_bytes: 13788 * 1024, vol_ctxsw: 114, invol_ctxsw: 9 });
    expect(parseStatus(golden('mt-node/status'))).toEqual({ hwm_bytes: 69524 * 1024, vol_ctxsw: 26, invol_ctxsw: 20 });
  });

  it('gives hwm null (kernel thread style) when VmHWM is absent', () => {
    const noHwm = golden('sleep/status').split('\n').filter((l) => !l.startsWith('VmHWM')).join('\n');
    expect(parseStatus(noHwm)).toEqual({ hwm_bytes: null, vol_ctxsw: 1, invol_ctxsw: 0 });
  });

  it('returns null when the ctxt lines are missing (truncated read)', () => {
    const text = golden('comm-parens/status');
    const noCtxt = text.split('\n').filter((l) => !l.includes('ctxt_switches')).join('\n');
    expect(parseStatus(noCtxt)).toBeNull();
    const onlyVol = text.split('\n').filter((l) => !l.startsWith('nonvoluntary')).join('\n');
    expect(parseStatus(onlyVol)).toBeNull();
    expect(parseStatus(text.slice(0, text.indexOf('voluntary_ctxt_switches')))).toBeNull();
  });

  it('a Name line that looks like a counter does not fool it', () => {
    const text = golden('sleep/status').replace(/^Name:.*$/m, 'Name:\tvoluntary_ctxt_switches: 999');
    expect(parseStatus(text)?.vol_ctxsw).toBe(1);
  });

  it.each([['empty', ''], ['garbage', 'lorem ipsum\n::::\n\u0000'], ['non-numeric values', 'voluntary_ctxt_switches:\tx\nnonvoluntary_ctxt_switches:\ty\n']])(
    'returns null for %s',
    (_n, text) => expect(parseStatus(text)).toBeNull(),
  );
});

describe('parseIo', () => {
  it('reads the counters of real io files', () => {
    expect(parseIo(golden('comm-parens/io'))).toEqual({
      rchar: 1718327, wchar: 1695, syscr: 672, syscw: 29, read_bytes: 12054528, write_bytes: 8192, cancelled_write_bytes: 0,
    });
    expect(parseIo(golden('sleep/io'))).toEqual({ rchar: 6976, wchar: 0, syscr: 10, syscw: 0, read_bytes: 0, write_bytes: 0, cancelled_write_bytes: 0 });
  });

  it('returns null when write_bytes is missing or has no value', () => {
    const text = golden('comm-parens/io');
    expect(parseIo(text.split('\n').filter((l) => !l.startsWith('write_bytes')).join('\n'))).toBeNull();
    expect(parseIo(text.replace(/^write_bytes:.*$/m, 'write_bytes: '))).toBeNull();
    expect(parseIo(text.slice(0, text.indexOf('write_bytes') + 8))).toBeNull();
  });

  it.each([['empty', ''], ['garbage', 'x\ny:z\n\u0000'], ['non-numeric', 'rchar: a\nwchar: b\nsyscr: c\nsyscw: d\nread_bytes: e\nwrite_bytes: f\n'],
    ['a number glued to text', 'rchar: 12ab\nwchar: 1\nsyscr: 1\nsyscw: 1\nread_bytes: 1\nwrite_bytes: 1\n']])(
    'returns null for %s',
    (_n, text) => expect(parseIo(text)).toBeNull(),
  );
});

describe('parseSchedstat', () => {
  it('reads run and wait nanoseconds from real files', () => {
    expect(parseSchedstat(golden('comm-parens/schedstat'))).toEqual({ run_ns: 90023691, wait_ns: 45718794 });
    expect(parseSchedstat(golden('mt-node/schedstat'))).toEqual({ run_ns: 126209716, wait_ns: 14017784 });
    expect(parseSchedstat(golden('sleep/schedstat'))).toEqual({ run_ns: 1280985, wait_ns: 0 });
  });

  it.each([['empty', ''], ['one field', '12345\n'], ['garbage', 'abc def ghi'], ['blank', '   \n']])(
    'returns null for %s',
    (_n, text) => expect(parseSchedstat(text)).toBeNull(),
  );
});
