import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test harness: runs the real `bin/runlens` as a user would, in a private data directory. */
export const RUNLENS_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'runlens');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function tempDir(prefix = 'runlens-it-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `input`: written to the command's stdin (a pipe, not a terminal), which is then closed. */
export function startCli(args: readonly string[], env: Record<string, string> = {}, input?: string): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(RUNLENS_BIN, [...args], { env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return startCli(args, env, input).done;
}
