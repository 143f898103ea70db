import { runReportSchema } from '@runlens/schemas';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBurnerVerdict } from './testing/burner-cores.ts';
import { type CliResult, RUNLENS_BIN, runCli, startCli, tempDir } from './testing/cli-harness.ts';

/** `runlens up` owns the store; `runlens run` in another process registers with it. */
describe('runlens up', () => {
  const dir = tempDir();
  const env = { RUNLENS_DATA_DIR: dir, RUNLENS_HTTP_PORT: '0' };
  const admin = 'a'.repeat(48);
  const bob = 'b'.repeat(48);
  let up: ReturnType<typeof startCli>;
  let api = '';
  let stderr = '';

  beforeAll(async () => {
    writeFileSync(join(dir, 'api-tokens.json'), JSON.stringify([
      { token: admin, user: userInfo().username, role: 'user' }, { token: bob, user: 'bob', role: 'user' },
    ]));
    up = startCli(['up'], env);
    up.child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const deadline = Date.now() + 60_000;
    while (!api && Date.now() < deadline) {
      api = /"api":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!api) throw new Error(`up did not start:\n${stderr}`);
  });

  afterAll(async () => {
    up.child.kill('SIGTERM');
    await up.done;
  });

  const get = (path: string, token?: string): Promise<Response> =>
    fetch(`${api}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('monitors a run started from another terminal and returns its report', async () => {
    const json = join(dir, 'r.json');
    const r: CliResult = await runCli(['run', '--json', json, '--cores', '1', '--', 'stress-ng', '--cpu', '1', '--timeout', '6s'], env);
    expect(r.code).toBe(0);
    const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    // cpu_bound with its core; on a busy machine the burner gets less, and the report must say who took it.
    console.log(`[up] ${expectBurnerVerdict(report, 'stress-ng', 0.8)}`);
    // The sampling was done by `up`: a second process never opened the data directory.
    expect(r.stderr).not.toContain('private store');

    const list = await (await get('/api/runs', admin)).json() as { runs: { run_id: string; status: string }[] };
    expect(list.runs.find((x) => x.run_id === report.run.run_id)?.status).toBe('finished');
    const again = runReportSchema.parse(await (await get(`/api/runs/${report.run.run_id}/report`, admin)).json());
    expect(again.run.exit_code).toBe(0);

    expect((await get('/api/runs')).status).toBe(401);
    expect((await get('/api/runs', 'x'.repeat(48))).status).toBe(401);
    expect((await get(`/api/runs/${report.run.run_id}/report`, bob)).status).toBe(403);
    const bobs = await (await get('/api/runs', bob)).json() as { runs: unknown[] };
    expect(bobs.runs).toHaveLength(0);
  });

  it('stores the app\'s own metric through up: from its output (--metric), from runlens metric, and counts a bad line', async () => {
    const json = join(dir, 'm.json');
    const script = `for i in 1 2 3; do echo "loss 0.$i"; ${RUNLENS_BIN} metric steps/s $((i*10)); sleep 1; done; echo garbage >> "$RUNLENS_METRIC_FILE"`;
    const r = await runCli(['run', '--json', json, '--app', 'metric_up', '--metric', 'loss=loss ([0-9.]+)', '--', 'sh', '-c', script], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('loss 0.3'); // the output still reaches the user
    expect(r.stderr).toContain('metric: 1 line matched or written but not understood');
    const report = runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(r.stderr).not.toContain('private store');
    expect(report.metrics?.map((m) => [m.name, m.points, m.median, m.source])).toEqual([['loss', 3, 0.2, 'output'], ['steps/s', 3, 20, 'file']]);
    const again = runReportSchema.parse(await (await get(`/api/runs/${report.run.run_id}/report`, admin)).json());
    expect(again.metrics?.find((m) => m.name === 'steps/s')?.last).toBe(30);
  });

  it('runs the compiled build, with no tsx or esbuild process beside it', () => {
    const cmdline = (pid: number): string => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { return ''; } };
    const parentOf = (pid: number): number => { try { return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]); } catch { return 0; } };
    const pid = up.child.pid ?? 0;
    expect(cmdline(pid)).toMatch(/dist\/current\/main\.js up/); // the launcher exec'd node on the bundle
    expect(cmdline(pid)).not.toMatch(/tsx|\.ts\b/);
    const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
    const tree = new Set([pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of all) if (!tree.has(p) && tree.has(parentOf(p))) { tree.add(p); grew = true; }
    }
    expect([...tree].map(cmdline).filter((c) => /tsx|esbuild/.test(c))).toEqual([]);
  });

  it('refuses a second owner of the same data directory', async () => {
    const second = await runCli(['up'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already running');
    // report does not open the store up owns: it asks up, which has no such run.
    const rep = await runCli(['report', 'whatever'], env);
    expect(rep.code).toBe(1);
    expect(rep.stderr).toContain('no run whatever');
  });

  it('shuts down cleanly on SIGTERM and releases the directory', async () => {
    up.child.kill('SIGTERM');
    const r = await up.done;
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'runlens.sock'))).toBe(false);
    expect(existsSync(join(dir, 'owner.pid'))).toBe(false);
  });
});
