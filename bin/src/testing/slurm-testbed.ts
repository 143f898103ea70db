import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TESTBED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'testbed');

/** Output of a command; rejects with its stderr on a non-zero exit or the timeout. */
export function sh(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 1 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/**
 * deploy/testbed run under its own prefix, subnet and state directory, so a test never meets
 * (or tears down) a testbed an engineer has up.
 */
export class SlurmTestbed {
  readonly env: NodeJS.ProcessEnv;

  /** `extra`: more of deploy/testbed's settings, e.g. RUNLENS_TESTBED_HOOKS. */
  constructor(readonly prefix: string, net: string, readonly dir: string, extra: Readonly<Record<string, string>> = {}) {
    this.env = { ...process.env, ...extra, RUNLENS_TESTBED_PREFIX: prefix, RUNLENS_TESTBED_NET: net, RUNLENS_TESTBED_DIR: dir };
  }

  /** Whether this machine can run it: root, Slurm's daemons, nsenter. */
  static usable(): boolean {
    return process.getuid?.() === 0 && ['/usr/sbin/slurmd', '/usr/sbin/slurmctld', '/usr/bin/nsenter'].every((p) => existsSync(p));
  }

  node(i: number): string {
    return `${this.prefix}node${i}`;
  }

  /** `up N` with its options, e.g. `['--cpu-quota', '0.3,0.3,0.15']` for unequal nodes. */
  up(n: number, options: readonly string[] = []): Promise<string> {
    return sh(join(TESTBED, 'up'), [String(n), ...options], { env: this.env, timeoutMs: 120_000 });
  }

  /** The cluster path beside the nodes (Kafka, ClickHouse, roles, an agent per node); see deploy/testbed/stack-up. */
  stackUp(options: readonly string[] = []): Promise<string> {
    return sh(join(TESTBED, 'stack-up'), options, { env: this.env, timeoutMs: 240_000 });
  }

  down(): Promise<string> {
    return sh(join(TESTBED, 'down'), [], { env: this.env, timeoutMs: 120_000 });
  }

  /** A file of the stack's logs (`agent-<node>.log`, `ingest.log`, …), for a failure message. */
  stackLog(name: string): string {
    return join(this.dir, 'stack', 'log', name);
  }

  /** argv that runs scontrol against the testbed's controller (it listens in the hub namespace). */
  scontrolArgv(): string[] {
    return ['nsenter', `--net=/var/run/netns/${this.prefix}-hub`, 'scontrol'];
  }

  /** A Slurm client command as `user`, in /tmp. */
  client(user: string | null, args: readonly string[]): Promise<string> {
    const runAs = user === null ? [] : ['runuser', '-u', user, '--'];
    return sh(join(TESTBED, 'client'), [...runAs, ...args], { env: this.env, cwd: '/tmp' });
  }
}
