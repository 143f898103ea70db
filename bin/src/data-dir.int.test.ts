import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './testing/cli-harness.ts';

/** Issue 11, item 5: real processes race for one data dir; exactly one may own it, every time. */
const CONTENDER = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'lock-contender.ts');
const CONTENDERS = 4;
const TRIALS = 5;

interface Answer { readonly pid: number; readonly owner: number | null; readonly daemon?: number }
interface Contender { readonly child: ChildProcess; readonly lines: string[]; next(): Promise<string> }

function contender(dir: string, ...extra: string[]): Contender {
  const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, dir, ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    waiters.splice(0).forEach((w) => w());
  });
  let closed = false; // 'close' comes after the last stdout data, unlike 'exit'
  child.on('close', () => {
    closed = true;
    waiters.splice(0).forEach((w) => w());
  });
  let read = 0;
  const next = async (): Promise<string> => {
    while (lines.length <= read) {
      if (closed) throw new Error(`contender ${child.pid} exited (${child.exitCode ?? child.signalCode}) without answering`);
      await new Promise<void>((r) => waiters.push(r));
    }
    return lines[read++] ?? '';
  };
  return { child, lines, next };
}

/** Starts contenders, lets them all load, then says `go` to all at once. */
async function race(dir: string, n: number, ...extra: string[]): Promise<{ all: Contender[]; answers: Answer[] }> {
  const all = Array.from({ length: n }, () => contender(dir, ...extra));
  for (const c of all) expect(await c.next()).toBe('ready');
  for (const c of all) c.child.stdin?.write('go\n');
  const answers = await Promise.all(all.map(async (c) => JSON.parse(await c.next()) as Answer));
  return { all, answers };
}

const exited = (c: Contender): Promise<void> => new Promise((r) => (c.child.exitCode !== null ? r() : c.child.once('exit', () => r())));

async function finish(all: readonly Contender[]): Promise<void> {
  for (const c of all) c.child.stdin?.end();
  await Promise.all(all.map(exited));
}

/** A pid that belonged to a process that has exited: what a crashed owner leaves in owner.pid. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

describe('data dir lock (flock on owner.pid), real processes', () => {
  it(`exactly one of ${CONTENDERS} simultaneous contenders wins on a stale owner.pid, in each of ${TRIALS} trials`, async () => {
    const winners: number[] = [];
    const misnamed: (number | null)[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const dir = tempDir('runlens-lock-');
      writeFileSync(join(dir, 'owner.pid'), `${deadPid()}\n`);
      const { all, answers } = await race(dir, CONTENDERS);
      const won = answers.filter((a) => a.owner === null);
      winners.push(won.length);
      // A loser names the winner (so `up` can say who holds the dir), never the dead pid; -1 if it could not tell.
      misnamed.push(...answers.filter((a) => a.owner !== null && a.owner !== -1 && a.owner !== won[0]?.pid).map((a) => a.owner));
      await finish(all);
    }
    console.log(`lock: winners per trial of ${CONTENDERS} contenders: ${winners.join(', ')}; losers naming a wrong owner: ${misnamed.length}`);
    expect(winners).toEqual(Array.from({ length: TRIALS }, () => 1));
    expect(misnamed).toEqual([]);
  });

  it('the kernel frees the lock when the owner is killed, even with its daemon still alive', async () => {
    const dir = tempDir('runlens-lock-');
    const first = await race(dir, 1, '--daemon');
    const owner = first.answers[0];
    expect(owner?.owner).toBeNull();
    first.all[0]?.child.kill('SIGKILL');
    await exited(first.all[0] as Contender);
    try {
      expect(() => process.kill(owner?.daemon ?? -1, 0)).not.toThrow(); // the daemon lives on
      const second = await race(dir, 3);
      expect(second.answers.filter((a) => a.owner === null)).toHaveLength(1);
      await finish(second.all);
    } finally {
      if (owner?.daemon) process.kill(owner.daemon, 'SIGKILL');
    }
  });

  it('never has two owners while processes take and release the lock in a tight loop', async () => {
    const dir = tempDir('runlens-lock-');
    const { all } = await race(dir, 3, '--churn', '150');
    const results = all.map((c) => JSON.parse(c.lines[1] ?? '{}') as { wins: number; overlaps: number });
    await finish(all);
    console.log(`lock churn: wins ${results.map((r) => r.wins).join(', ')}; overlaps ${results.map((r) => r.overlaps).join(', ')}`);
    expect(results.map((r) => r.overlaps)).toEqual([0, 0, 0]);
    expect(results.reduce((n, r) => n + r.wins, 0)).toBeGreaterThan(0);
  });
});
