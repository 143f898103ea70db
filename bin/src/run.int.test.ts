import { type RunReport, runReportSchema } from '@runlens/schemas';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from './testing/cli-harness.ts';

/** `runlens run` end to end: real commands, real /proc, the embedded chDB store. */
async function monitored(cmd: string[], opts: string[] = []): Promise<{ report: RunReport; code: number | null; stderr: string }> {
  const dir = tempDir();
  const json = join(dir, 'report.json');
  const r = await runCli(['run', '--json', json, ...opts, '--', ...cmd], { RUNLENS_DATA_DIR: join(dir, 'data') });
  if (!existsSync(json)) throw new Error(`no report; exit ${r.code}\n${r.stderr}`);
  const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
  return { report, code: r.code, stderr: r.stderr };
}

const kinds = (r: RunReport): string[] => r.findings.map((f) => f.kind);

describe('runlens run', () => {
  it('reports one busy core of two as low utilisation, with the busy core as its evidence', async () => {
    const { report, code, stderr } = await monitored(['stress-ng', '--cpu', '1', '--timeout', '10s'], ['--cores', '2']);
    expect(code).toBe(0);
    // On a busy machine the burner gets less than its core; then the report must say who took it.
    if (!kinds(report).includes('cpu_interference')) expect(report.summary.cpu_cores_mean).toBeGreaterThan(0.85);
    expect(report.summary.cpu_cores_mean).toBeLessThan(1.1);
    expect(report.summary.totals_source).toBe('kernel');
    // One root cause leads (issue 10 item 4): low utilisation, carrying the CPU-bound core, or, when
    // outside load explains the low utilisation, the interference, carrying both.
    expect(kinds(report)).not.toContain('cpu_bound');
    const low = report.findings.find((f) => f.kind === 'low_cpu_utilization');
    const lead = low ?? report.findings.find((f) => f.kind === 'cpu_interference');
    expect(String(lead?.evidence.explains)).toMatch(low ? /^cpu_bound$/ : /low_cpu_utilization/);
    if (low) expect(low.evidence.alloc_cores).toBe(2);
    else expect(String(lead?.evidence.explains_detail)).toMatch(/of 2 allocated cores/);
    expect(stderr).toMatch(/cores used of 2 allocated/);
    if (low) expect(stderr).toMatch(/this explains: CPU-bound/);
  });

  it('on a 1-core allocation the same load is cpu_bound without low utilisation', async () => {
    const { report } = await monitored(['stress-ng', '--cpu', '1', '--timeout', '6s'], ['--cores', '1', '--app', 'burn']);
    expect(report.run.app).toBe('burn');
    expect(report.summary.cpu_efficiency).toBeGreaterThan(0.85);
    expect(kinds(report)).toContain('cpu_bound');
    expect(kinds(report)).not.toContain('low_cpu_utilization');
  });

  it('exits with the command\'s exit code', async () => {
    const dir = tempDir();
    const r = await runCli(['run', '--', 'sh', '-c', 'exit 3'], { RUNLENS_DATA_DIR: dir });
    expect(r.code).toBe(3);
    const missing = await runCli(['run', '--', 'no-such-command-xyz'], { RUNLENS_DATA_DIR: dir });
    expect(missing.code).toBe(127);
  });

  it('reports 2 GiB written with O_DIRECT within 5%', async () => {
    const dir = tempDir();
    const target = join(dir, 'blob');
    // dd starts at once and waits 1.5 s for its input, so the 1 Hz sampler sees it under its own
    // name however fast the disk: straight from /dev/zero, 2 GiB took under a second on a quiet VM,
    // and dd was gone before the first tick after the held wrapper's exec (CI of 2026-12-07).
    const feed = `(sleep 1.5; head -c ${2 * 1024 ** 3} /dev/zero)`;
    const { report } = await monitored(['sh', '-c', `${feed} | dd of=${target} bs=4M iflag=fullblock oflag=direct status=none`]);
    const written = statSync(target).size;
    rmSync(target);
    expect(written).toBe(2 * 1024 ** 3);
    expect(Math.abs((report.summary.write_bytes ?? 0) - written) / written).toBeLessThan(0.05);
    expect(report.summary.top_processes.some((p) => p.comm === 'dd')).toBe(true);
  });

  it('says how much of the CPU fell between samples when the work is done by processes shorter than a second', async () => {
    // make's shape: one short process after another. A tick catches at most the one alive then,
    // with the CPU it has used so far; on a slower machine each lives longer and is caught later,
    // so the share missing stays well above the note's 25%.
    const burn = 'awk "BEGIN{for(i=0;i<1e7;i++)s+=i}"';
    const { report } = await monitored(['sh', '-c', `for i in $(seq 20); do ${burn}; done`]);
    const cpu = report.summary.cpu_user_s + report.summary.cpu_sys_s;
    expect(report.summary.totals_source).toBe('kernel');
    expect(cpu).toBeGreaterThan(1);
    expect(report.summary.unsampled?.cpu_s).toBeGreaterThan(cpu * 0.25);
    const note = report.summary.absent.find((a) => a.startsWith('per process:'));
    expect(note).toMatch(/of \d+\.\d s CPU \(\d+%\) fell between the 1 s samples/);
    const topCpu = report.summary.top_processes.reduce((s, p) => s + p.cpu_s, 0);
    expect(topCpu).toBeLessThan(cpu * 0.75);
  });

  it('reports a sleeping command as idle', async () => {
    const { report } = await monitored(['sleep', '20']);
    const idle = report.findings.find((f) => f.kind === 'idle');
    expect(idle).toBeDefined();
    expect(Number(idle?.evidence.idle_s)).toBeGreaterThanOrEqual(15);
    expect(kinds(report)).not.toContain('cpu_bound');
  });

  it('flags a steady 20 MB/s leak, and not a sawtooth that frees its memory', async () => {
    const gen = join(import.meta.dirname, '..', 'testdata', 'memory-pattern.mjs');
    const leak = await monitored(['node', '--expose-gc', gen, 'leak', '20', '14']);
    const saw = await monitored(['node', '--expose-gc', gen, 'sawtooth', '20', '14', '3']);
    const f = leak.report.findings.find((x) => x.kind === 'memory_leak');
    expect(f).toBeDefined();
    expect(Number(f?.evidence.slope_bytes_per_s)).toBeGreaterThan(12 * 1024 * 1024);
    expect(Number(f?.evidence.slope_bytes_per_s)).toBeLessThan(28 * 1024 * 1024);
    expect(kinds(saw.report)).not.toContain('memory_leak');
  });

  it('forwards SIGTERM to the command and exits 128+15', async () => {
    const dir = tempDir();
    const { child, done } = startCli(['run', '--', 'sleep', '60'], { RUNLENS_DATA_DIR: dir });
    await new Promise((r) => setTimeout(r, 4000));
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('RunLens report');
  });

  it('rejects bad usage with a clear message and exit 2', async () => {
    const r = await runCli(['run', '--cores', 'many', '--', 'true'], { RUNLENS_DATA_DIR: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cores must be a positive number');
    const none = await runCli(['run'], { RUNLENS_DATA_DIR: tempDir() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no command given');
  });
});
