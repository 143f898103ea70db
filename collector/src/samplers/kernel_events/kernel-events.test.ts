import { silentLogger } from '@runlens/schemas';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext } from '../../sampler.ts';
import { GOLDEN_BOOT_MS, replayGolden } from './golden.ts';
import { kernelEventsSampler } from './index.ts';
import { KernelEventParser, classify } from './parser.ts';
import { parseJournalLine, parseKmsgRecord } from './record.ts';

const TD = join(import.meta.dirname, 'testdata');
const captures = readdirSync(TD).filter((f) => /\.(kmsg|txt)$/.test(f));

describe('kernel_events golden files', () => {
  it.each(captures)('%s replays to its expected rows', (f) => {
    const expected: unknown = JSON.parse(readFileSync(join(TD, f.replace(/\.(kmsg|txt)$/, '.expected.json')), 'utf8'));
    expect(replayGolden(join(TD, f))).toEqual(expected);
  });

  it('a real memory-cgroup OOM kill names the victim, its cgroup, RSS and the limit', () => {
    const [kill, ...rest] = replayGolden(join(TD, 'real-memcg-oom.kmsg'));
    expect(rest).toEqual([]);
    expect(kill).toMatchObject({ kind: 'oom_kill', pid: 12209, comm: 'python3', cgroup: '/rl_golden_cap', limit_bytes: 64 << 20, severity: 'critical' });
    expect(kill?.ts).toBe(GOLDEN_BOOT_MS + 4_221_601); // usec 4221600988 rounded to ms
  });

  it('covers every kind the issue asks for', () => {
    const kinds = new Set(captures.flatMap((f) => replayGolden(join(TD, f)).map((r) => r.kind)));
    expect([...kinds].sort()).toEqual(['edac', 'fs_not_responding', 'fs_ok', 'gpu_xid', 'hung_task', 'link_down', 'link_up',
      'mce', 'oom_kill', 'segfault', 'soft_lockup', 'trap']);
  });
});

describe('kernel_events hostile input', () => {
  const parser = (): KernelEventParser => new KernelEventParser('h', 0, 256);
  it.each([
    ['empty', ''], ['no semicolon', '6,1,2,-'], ['letters', 'a,b,c,-;x'], ['huge seq', `6,${'9'.repeat(25)},1,-;x`],
    ['binary', '\u0000\u00ff\ufffd;;;'], ['only prefix', '6,1,2,-;'],
  ])('%s: parseKmsgRecord gives null or a record, never throws', (_, raw) => {
    const rec = parseKmsgRecord(raw, 256);
    if (rec) expect(parser().push(rec)).toBeNull();
  });

  it('truncated records: a cut-off OOM line still parses what it has, a cut-off XID gives nothing', () => {
    const oom = parseKmsgRecord('3,9,1000,-;Out of memory: Killed process 77 (java) total-vm:12', 256);
    expect(oom && parser().push(oom)).toMatchObject({ kind: 'oom_kill', pid: 77, comm: 'java', rss_bytes: null });
    expect(classify('NVRM: Xid (PCI:0000:3b')).toBeNull();
    expect(classify('INFO: task foo:')).toBeNull();
  });

  it('huge lines are capped and matched in bounded time', () => {
    const huge = `4,5,6,-;NVRM: Xid (PCI:0000:3b:00): 79, pid=1, ${'x'.repeat(1 << 20)}`;
    const rec = parseKmsgRecord(huge, 1024);
    expect(rec?.text.length).toBe(1024);
    const row = rec && parser().push(rec);
    expect(row?.raw.length).toBe(256);
    for (const s of ['oom-kill:constraint=' + ','.repeat(5000), 'a['.repeat(4000), 'EDAC '.repeat(2000)]) expect(classify(s.slice(0, 1024))).toBeNull();
  });

  it('an OOM context is not attached to a different pid', () => {
    const p = parser();
    p.push({ seq: 1, usec: 0, level: 6, text: 'oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/a,task=x,pid=5,uid=0' });
    expect(p.push({ seq: 2, usec: 0, level: 3, text: 'Memory cgroup out of memory: Killed process 6 (y)' })?.cgroup).toBe('');
  });

  it('journal lines: continuation and banner lines give nothing', () => {
    expect(parseJournalLine('-- No entries --', 1, 100)).toBeNull();
    expect(parseJournalLine('[ 12.5] h kernel: x', 1, 100)?.usec).toBe(12_500_000);
  });
});

describe('kernel_events sampler sources', () => {
  const host: HostContext = { host: 'h1', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log: silentLogger };
  it('is absent, naming both sources, when neither kmsg nor journalctl works', async () => {
    const cfg = kernelEventsSampler.config.parse({ kmsg_path: join(TD, 'nope'), journalctl: join(TD, 'no-journalctl') });
    const made = await kernelEventsSampler.create(cfg, host);
    expect(isAbsent(made) && made.absent).toMatch(/nope not readable: ENOENT.*no-journalctl does not run/);
  });
});
