import type { ChildProcess } from 'node:child_process';
import { type CliResult, startCli } from './cli-harness.ts';

/** A cluster role running as its own process, with its JSON-lines log parsed as it arrives. */
export class RoleProcess {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  readonly lines: Record<string, unknown>[] = [];

  constructor(readonly role: string, env: Record<string, string>) {
    const started = startCli([role], env);
    this.child = started.child;
    this.done = started.done;
    let buf = '';
    this.child.stderr?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          /* not a log line */
        }
      }
    });
  }

  /** Resolves with the first log line with this message. */
  async waitFor(msg: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => l.msg === msg);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`${this.role}: no "${msg}" within ${timeoutMs} ms; log:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Graceful stop (SIGTERM) and the final log line, or a crash (SIGKILL). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<CliResult> {
    this.child.kill(signal);
    return this.done;
  }
}

export { sleep } from '@runlens/schemas';
