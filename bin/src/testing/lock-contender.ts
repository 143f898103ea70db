import { spawn } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';

/**
 * One contender for a data dir's lock, as its own process (data-dir.int.test.ts). It prints
 * `ready`, waits for `go` on stdin so that every contender asks at the same moment, prints
 * `{"pid":…,"owner":null|pid}`, and holds what it got until stdin closes. With `--daemon`
 * a winner also leaves a detached `sleep` behind, as a recorded command might. With
 * `--churn N` it instead takes and releases the lock N times after `go`, marking each hold
 * with an O_EXCL file: finding the mark already there means two owners at once.
 */
const dir = process.argv[2];
if (!dir) throw new Error('usage: lock-contender DATA_DIR [--daemon]');
const paths = dataPaths(dir);
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  buf += d;
  if (!buf.includes('go\n')) return;
  buf = '';
  const churn = process.argv.indexOf('--churn');
  if (churn > 0) return churnLock(Number(process.argv[churn + 1]));
  const owner = acquireOwnership(paths);
  let daemon: number | undefined;
  if (owner === null && process.argv.includes('--daemon')) {
    const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    child.unref();
    daemon = child.pid;
  }
  process.stdout.write(`${JSON.stringify({ pid: process.pid, owner, daemon })}\n`);
});
process.stdin.on('end', () => releaseOwnership(paths));
process.stdout.write('ready\n');

function churnLock(times: number): void {
  const mark = join(dir ?? '', 'inside');
  let wins = 0;
  let overlaps = 0;
  for (let i = 0; i < times; i++) {
    if (acquireOwnership(paths) !== null) continue;
    wins++;
    try {
      closeSync(openSync(mark, 'wx'));
    } catch {
      overlaps++;
    }
    rmSync(mark, { force: true });
    releaseOwnership(paths);
  }
  process.stdout.write(`${JSON.stringify({ pid: process.pid, wins, overlaps })}\n`);
}
