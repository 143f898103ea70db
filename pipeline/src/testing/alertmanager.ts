import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '@runlens/schemas';
import { freePort } from './servers.ts';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export function hasAlertmanager(): boolean {
  return spawnSync(ALERTMANAGER_BIN, ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface TestAlertmanager {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Debian's prometheus-alertmanager on a free loopback port, clustering off, with the given
 * YAML config (`{{RECEIVER}}` stands for the test's own webhook base URL) and its own data dir.
 */
export async function startAlertmanager(configYaml: string): Promise<TestAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-am-'));
  const port = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), configYaml);
  const child: ChildProcess = spawn(ALERTMANAGER_BIN, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (i > 300) throw new Error(`alertmanager not ready after 60 s: ${stderr}`);
    await sleep(200);
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
