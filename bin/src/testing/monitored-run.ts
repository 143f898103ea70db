import { type RunReport, runReportSchema } from '@runlens/schemas';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './cli-harness.ts';

export interface MonitoredRun {
  readonly report: RunReport;
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
  /** The run's private directory (the data dir is under it): a place for files the command writes. */
  readonly dir: string;
}

/** `runlens run --json` on a real command in a private data dir, and its parsed report. */
export async function monitoredRun(cmd: (dir: string) => string[], opts: string[] = []): Promise<MonitoredRun> {
  const dir = tempDir();
  const json = join(dir, 'report.json');
  const r = await runCli(['run', '--json', json, ...opts, '--', ...cmd(dir)], { RUNLENS_DATA_DIR: join(dir, 'data') });
  if (!existsSync(json)) throw new Error(`no report; exit ${r.code}\n${r.stderr}`);
  return { report: runReportSchema.parse(JSON.parse(readFileSync(json, 'utf8'))), code: r.code, stderr: r.stderr, stdout: r.stdout, dir };
}
