import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReportSchema, sleep } from '@runlens/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './testing/cli-harness.ts';

const MEMCG_ROOT = '/sys/fs/cgroup/memory';
const LIMIT = 64 << 20;
const canRun = ((): boolean => {
  try {
    accessSync('/dev/kmsg', constants.R_OK);
    accessSync(MEMCG_ROOT, constants.W_OK);
    return existsSync(join(MEMCG_ROOT, 'memory.limit_in_bytes'));
  } catch {
    return false;
  }
})();
const cg = join(MEMCG_ROOT, `rl_oomrun_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);
// Grows 2 MiB every 100 ms, so it is sampled as the run's process for a few seconds before the kernel kills it.
const HOG = 'import time\na=[]\nwhile True:\n    a.append(bytearray(2<<20)); time.sleep(0.1)';

describe.skipIf(!canRun)('runlens run: a command over its memory cgroup limit (root, /dev/kmsg, cgroup v1 memory)', () => {
  afterAll(async () => {
    for (let i = 0; i < 20 && existsSync(cg); i++) {
      try { rmdirSync(cg); } catch { await sleep(100); }
    }
  });

  it('is OOM-killed by the kernel and the report shows oom_killed with its pid and the limit', async () => {
    mkdirSync(cg);
    writeFileSync(join(cg, 'memory.limit_in_bytes'), String(LIMIT));
    const dir = tempDir();
    const json = join(dir, 'report.json');
    // The wrapper shell joins the cgroup and execs: the run's child pid is the victim's pid.
    const script = `echo $$ > ${cg}/cgroup.procs && exec python3 -c '${HOG}'`;
    const r = await runCli(['run', '--json', json, '--', 'sh', '-c', script], { RUNLENS_DATA_DIR: join(dir, 'data') });
    expect(r.code).toBe(137);
    const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    const oom = report.findings.find((f) => f.kind === 'oom_killed');
    expect(oom, JSON.stringify(report.findings.map((f) => f.kind))).toBeDefined();
    expect(oom).toMatchObject({ severity: 'critical', scope: 'pid' });
    expect(oom?.evidence).toMatchObject({ comm: 'python3', limit_bytes: LIMIT, oom: 'memcg', cgroup: cg.slice(MEMCG_ROOT.length) });
    expect(report.summary.top_processes.map((p) => p.pid)).toContain(oom?.evidence.pid);
    expect(oom?.advice).toContain('--mem=');
    // The run ends as OOM-killed, on the kernel's word (issue 12 item 2).
    expect(report.run.ending).toMatchObject({ how: 'oom_killed', signal: 'SIGKILL', exit_code: 137, source: 'kernel_event' });
    expect(report.events?.find((e) => e.kind === 'oom_kill')?.findings).toEqual(['oom_killed']);
  }, 90_000);
});
