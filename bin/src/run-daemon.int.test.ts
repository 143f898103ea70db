import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './testing/cli-harness.ts';

/** Issue 11 item 4: a daemon left behind by the command must not keep `runlens run` waiting. */
describe('runlens run with a command that leaves a daemon behind', () => {
  it('returns when the command exits, not when its daemon does', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'daemon.pid');
    // The daemon's stdio goes to /dev/null so only runlens's own pipes (fd 3) could hold it.
    const script = `sleep 300 </dev/null >/dev/null 2>&1 & echo $! > ${pidFile}; echo hi; exit 6`;
    const t0 = Date.now();
    const hung = new Promise<'hung'>((resolve) => { setTimeout(() => resolve('hung'), 90_000).unref(); });
    const r = await Promise.race([runCli(['run', '--', 'sh', '-c', script], { RUNLENS_DATA_DIR: join(dir, 'data') }), hung]);
    const daemon = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(daemon, 'SIGKILL');
    } catch {
      /* gone already */
    }
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(r.code).toBe(6);
    expect(r.stdout).toContain('hi');
    expect(r.stderr).toContain('RunLens report');
    expect(Date.now() - t0).toBeLessThan(60_000); // the daemon sleeps 300 s
  }, 120_000);
});
