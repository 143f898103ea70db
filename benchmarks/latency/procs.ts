import { sleep } from '@runlens/schemas';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Every process the bench starts goes through here, so one exit hook can kill them all: a
 * SIGSTOPped spinner never exits on its own, and a stray Prometheus would outlive the bench.
 */
const children = new Set<ChildProcess>();
export const SPIN = join(import.meta.dirname, 'spin.mjs');
export { sleep } from '@runlens/schemas';

export interface Started {
  readonly child: ChildProcess;
  /** The last lines of stderr and stdout, for error messages. */
  tail(): string;
  /** JSON-lines log records seen on stderr (RunLens roles log that way). */
  readonly lines: Record<string, unknown>[];
}

export function startProcess(name: string, cmd: string, args: readonly string[], env: Record<string, string> = {}): Started {
  const child = spawn(cmd, [...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.on('error', () => children.delete(child));
  const recent: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const collect = (stream: NodeJS.ReadableStream | null, json: boolean): void => {
    let buf = '';
    stream?.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        recent.push(line);
        if (recent.length > 30) recent.shift();
        if (!json) continue;
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          /* not a log record */
        }
      }
    });
  };
  collect(child.stdout, false);
  collect(child.stderr, true);
  return { child, lines, tail: () => `${name} (pid ${child.pid ?? '?'}) output:\n  ${recent.join('\n  ')}` };
}

export function alive(c: ChildProcess): boolean {
  return c.exitCode === null && c.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(c: ChildProcess, graceMs = 5000): Promise<void> {
  if (!alive(c)) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGCONT'); // a stopped process cannot act on SIGTERM
  c.kill('SIGTERM');
  const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
}

const cleanups = new Set<() => Promise<void>>();

/** Runs `f` if the bench is interrupted (servers started by deploy scripts are daemons); returns an unregister. */
export function onInterrupt(f: () => Promise<void>): () => void {
  cleanups.add(f);
  return () => void cleanups.delete(f);
}

process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    const done = Promise.allSettled([...cleanups].map((f) => f()));
    void Promise.race([done, sleep(20_000)]).then(() => process.exit(130));
  });
}
