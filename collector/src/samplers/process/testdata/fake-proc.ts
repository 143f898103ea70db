import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/* Test support: builds a fake /proc/<pid> directory from a few numbers. */

/** A fake /proc/<pid> written from a few numbers; the rest of the stat fields are zeros. */
export interface FakeProc {
  readonly pid: number;
  readonly comm?: string;
  readonly state?: string;
  readonly ppid?: number;
  readonly start: number;
  readonly utime?: number;
  readonly stime?: number;
  readonly rss?: number;
  readonly threads?: number;
  readonly vol?: number;
  readonly wchar?: number;
  readonly write_bytes?: number;
  readonly wait_ns?: number;
}

export function statLine(p: FakeProc): string {
  const f = Array.from({ length: 52 }, () => '0'); // f[i] is field i + 1
  f[3] = String(p.ppid ?? 1);
  f[13] = String(p.utime ?? 0);
  f[14] = String(p.stime ?? 0);
  f[19] = String(p.threads ?? 1);
  f[21] = String(p.start);
  f[22] = '1000000';
  f[23] = String(p.rss ?? 10);
  return `${p.pid} (${p.comm ?? 'fake'}) ${p.state ?? 'S'} ${f.slice(3).join(' ')}\n`;
}

export const fileTexts = (p: FakeProc): Record<'stat' | 'status' | 'io' | 'schedstat', string> => ({
  stat: statLine(p),
  status: `Name:\t${p.comm ?? 'fake'}\nVmHWM:\t     100 kB\nvoluntary_ctxt_switches:\t${p.vol ?? 0}\nnonvoluntary_ctxt_switches:\t0\n`,
  io: `rchar: 0\nwchar: ${p.wchar ?? 0}\nsyscr: 0\nsyscw: 0\nread_bytes: 0\nwrite_bytes: ${p.write_bytes ?? 0}\ncancelled_write_bytes: 0\n`,
  schedstat: `${schedRunNs(p)} ${p.wait_ns ?? 0} 1\n`,
});

/**
 * Time on CPU as schedstat shows it: a process whose counters moved has run, so it moves with
 * them (the sampler skips status and io of a process whose schedstat did not move).
 */
const schedRunNs = (p: FakeProc): number =>
  1000 + (p.utime ?? 0) + (p.stime ?? 0) + (p.vol ?? 0) + (p.wchar ?? 0) + (p.write_bytes ?? 0) + (p.wait_ns ?? 0);

/** Writes the files in place (same inode), as a changing /proc file looks through an open fd. */
export function writeProc(root: string, p: FakeProc): void {
  mkdirSync(join(root, String(p.pid)), { recursive: true });
  for (const [name, text] of Object.entries(fileTexts(p))) writeFileSync(join(root, String(p.pid), name), text);
}
