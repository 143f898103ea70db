import { execFile } from 'node:child_process';

/** One `scontrol show job` answer: the record, "no such job" (purged), or could not ask. */
export type ScontrolAnswer = { kind: 'ok'; text: string } | { kind: 'not_found' } | { kind: 'error'; detail: string };

export type ScontrolQuery = (jobId: string) => Promise<ScontrolAnswer>;

export interface ScontrolOptions {
  /** argv before `show job -d -o ID`, e.g. `['scontrol']` or an `nsenter … scontrol` prefix. */
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT_BYTES = 64 * 1024;

/** Runs scontrol with a timeout and a cap on output; never throws. */
export function scontrolQuery(opts: ScontrolOptions): ScontrolQuery {
  const [cmd = 'scontrol', ...pre] = opts.argv;
  return (jobId) => new Promise((resolve) => {
    if (!/^\d{1,12}$/.test(jobId)) {
      resolve({ kind: 'error', detail: 'not a numeric job id' });
      return;
    }
    const args = [...pre, 'show', 'job', '-d', '-o', jobId];
    execFile(cmd, args, { timeout: opts.timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, env: opts.env, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) resolve({ kind: 'ok', text: stdout });
      else if (/Invalid job id/i.test(stderr)) resolve({ kind: 'not_found' });
      else resolve({ kind: 'error', detail: `${err.message} ${stderr}`.slice(0, 300) });
    });
  });
}
