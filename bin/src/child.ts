import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import { LogTail, type TailLine } from './log-tail.ts';
import { type MemcgOom, memcgOomAtStart, memcgOomKillsSince } from './memcg-oom.ts';

/** Kernel-accounted totals of the whole process tree (like time(1)'s wait4 rusage). */
export interface TreeTotals {
  readonly cpu_user_s: number;
  readonly cpu_sys_s: number;
  readonly read_bytes: number;
  readonly write_bytes: number;
  readonly rchar: number;
  readonly wchar: number;
}

/*
 * The command runs under a tiny sh that waits for it and then prints its own /proc stat and
 * io: once a child is reaped, the kernel adds its CPU (cutime/cstime) and IO to the parent.
 * The trap keeps sh alive through a forwarded signal so the totals are still written; a
 * trapped (not ignored) signal is reset to default in the command.
 * fd 3 is a socketpair: sh first waits on it for the go line (sent once the run is registered,
 * so the root pid cannot exit before `runlens up` knows it), and later writes the totals to it.
 * The command gets fd 3 closed (`3>&-`): a daemon it leaves behind must not hold the pipe open.
 */
const WRAPPER = 'read -r go <&3 || exit 125; trap : INT TERM HUP QUIT USR1 USR2; "$@" 3>&-; rc=$?; cat /proc/$$/stat /proc/$$/io >&3 2>/dev/null; exit $rc';

export function parseTotals(text: string, clkTck: number): TreeTotals | null {
  const close = text.indexOf(')');
  const statLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  const f = statLine.slice(close + 2).split(' ').map(Number);
  // fields 14-17: utime stime cutime cstime; f[0] is field 3.
  const [ut, st, cut, cst] = [f[11], f[12], f[13], f[14]];
  const io = new Map(text.split('\n').map((l) => l.split(': ')).filter((p) => p.length === 2).map(([k, v]) => [k ?? '', Number(v)]));
  if ([ut, st, cut, cst].some((x) => x === undefined || !Number.isFinite(x)) || !io.has('write_bytes')) return null;
  return {
    cpu_user_s: ((ut ?? 0) + (cut ?? 0)) / clkTck, cpu_sys_s: ((st ?? 0) + (cst ?? 0)) / clkTck,
    read_bytes: io.get('read_bytes') ?? 0, write_bytes: Math.max(0, (io.get('write_bytes') ?? 0) - (io.get('cancelled_write_bytes') ?? 0)), rchar: io.get('rchar') ?? 0, wchar: io.get('wchar') ?? 0,
  };
}

/** How the command ended, as `runlens run` saw it. */
export interface ChildEnd {
  readonly exitCode: number;
  readonly totals: TreeTotals | null;
  /** The last lines of the command's stderr (teed: the terminal saw them all). */
  readonly stderr: readonly TailLine[];
  /** OOM kills counted by the memory cgroup the command started in, during the run; null where unreadable. */
  readonly memcgOomKills: number | null;
}

export interface RunningChild {
  readonly pid: number;
  /** Lets the command start: the wrapper waits for this (see WRAPPER). Idempotent. */
  release(): void;
  readonly done: Promise<ChildEnd>;
}

/** After the command exits, how long its stderr may stay open (a daemon it left holding it) before the tee stops. */
const STDERR_DRAIN_MS = 1000;

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

/**
 * Starts the wrapper for CMD, held until release(); signals sent to runlens are forwarded to
 * CMD; `done` resolves with its exit code once the wrapper exits (not when CMD's descendants do).
 */
export function startChild(cmd: string, args: readonly string[], clkTck: number, extraEnv: Readonly<Record<string, string>> = {}, tap?: OutputTap): RunningChild {
  const env = Object.keys(extraEnv).length > 0 ? { ...process.env, ...extraEnv } : undefined;
  // stderr is teed (stdin stays the terminal's, and stdout too unless a tap reads it): the run
  // keeps its tail, the user sees every byte.
  const child: ChildProcess = spawn('/bin/sh', ['-c', WRAPPER, 'runlens', cmd, ...args], { stdio: ['inherit', tap ? 'pipe' : 'inherit', 'pipe', 'pipe'], env });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const memcg: MemcgOom | null = memcgOomAtStart(child.pid);
  const tail = teeStderr(child.stderr as Readable, tap);
  if (tap) passStdout(child, tap);
  let report = '';
  const gate = child.stdio[3] as Duplex;
  gate.on('data', (d: Buffer) => { report += d.toString('latin1'); });
  gate.on('error', () => { /* the wrapper died; `exit` reports it */ });
  const gateEnded = new Promise<void>((resolve) => { gate.on('close', () => resolve()); });
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    gate.write('go\n');
  };
  const forward = (sig: NodeJS.Signals): void => {
    // From a terminal, INT and QUIT already reached the whole foreground group, CMD included.
    if (process.stdin.isTTY && (sig === 'SIGINT' || sig === 'SIGQUIT')) return;
    forwardToTree(child.pid ?? 0, sig);
  };
  for (const s of FORWARDED) process.on(s, forward);
  const exited = new Promise<number>((resolve) => { child.on('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal))); });
  const done = (async (): Promise<ChildEnd> => {
    const exitCode = await exited;
    for (const s of FORWARDED) process.off(s, forward);
    await gateEnded;
    return { exitCode, totals: parseTotals(report, clkTck), stderr: await tail.settle(), memcgOomKills: memcgOomKillsSince(memcg) };
  })();
  return { pid: child.pid, release, done };
}

/**
 * Copies the command's stderr to ours and keeps its tail (and shows it to the tap, if any);
 * `settle` waits briefly for the pipe to close, then stops.
 */
function teeStderr(stream: Readable, tap?: OutputTap): { settle(): Promise<TailLine[]> } {
  const tail = new LogTail();
  const closed = new Promise<void>((resolve) => { stream.on('close', () => resolve()); });
  stream.on('data', (d: Buffer) => {
    process.stderr.write(d);
    tail.push(d);
    tap?.stderr(d);
  });
  stream.on('error', () => { /* the pipe broke: what arrived is kept */ });
  return {
    settle: async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, STDERR_DRAIN_MS); });
      await Promise.race([closed, late]).finally(() => clearTimeout(timer));
      // A daemon the command left behind still holds the pipe: stop reading so runlens can exit.
      stream.destroy();
      return tail.end();
    },
  };
}

/** Sees the command's output on its way through to ours (`runlens run --metric`). */
export interface OutputTap { stdout(chunk: Buffer): void; stderr(chunk: Buffer): void }

/** The command's stdout is copied to ours unchanged; the tap reads it as it passes. */
function passStdout(child: ChildProcess, tap: OutputTap): void {
  child.stdout?.on('data', (d: Buffer) => {
    process.stdout.write(d);
    tap.stdout(d);
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const n: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };
  return signal ? (n[signal] ?? 1) : 1;
}

/** The wrapper ignores the signal (trap), so send it to the command: the wrapper's children. */
function forwardToTree(wrapperPid: number, sig: NodeJS.Signals): void {
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    children = [];
  }
  for (const pid of children) {
    try {
      process.kill(Number(pid), sig);
    } catch {
      /* already exited */
    }
  }
}
