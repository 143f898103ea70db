// Only what the hook needs, file by file: slurmd waits for it, and the collector's index loads every sampler.
import { expandHostlist } from '@runlens/collector/attribution/hostlist';
import { type SlurmJobInfo, parseScontrolJob } from '@runlens/collector/attribution/scontrol-job';
import { scontrolQuery } from '@runlens/collector/attribution/scontrol-query';
import { DEFAULT_AGENT_SOCKET, type SlurmHookMessage, epilogState, startMessage } from '@runlens/collector/attribution/slurm-hook';
import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { EXIT } from '../cli/exit-codes.ts';
import { callSocket } from '../local-socket.ts';

/*
 * `runlens slurm prolog|epilog`: run by slurmd as Slurm's Prolog/Epilog (root, on the compute
 * node, with SLURM_JOB_ID, SLURM_JOB_USER, SLURM_JOB_UID, SLURMD_NODENAME, … set and no PATH).
 * It asks scontrol for what slurmd's environment lacks (name, limits, TRES, command, and at
 * the end the Reason that says how the job ended) and tells the node's agent. A failing prolog
 * would drain the node and requeue the job, so this never fails: every step has a deadline,
 * anything that goes wrong is logged and the exit code is 0.
 */
const hookEnv = z.object({
  SLURM_JOB_ID: z.string().regex(/^\d{1,12}$/),
  SLURMD_NODENAME: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  SLURM_JOB_USER: z.string().max(64).default(''),
  SLURM_JOB_UID: z.coerce.number().int().min(0).max(2 ** 32 - 1).optional(),
  SLURM_JOB_PARTITION: z.string().max(256).default(''),
  SLURM_NODELIST: z.string().max(65_536).default(''),
  SLURM_JOB_CPUS_PER_NODE: z.string().max(65_536).default(''),
  RUNLENS_AGENT_SOCKET: z.string().min(1).max(107).default(DEFAULT_AGENT_SOCKET),
  /** The scontrol command and leading arguments, space-separated (slurmd gives hooks no PATH). */
  RUNLENS_SCONTROL: z.string().max(512).default('/usr/bin/scontrol'),
  /** The whole hook's deadline; scontrol gets half, the agent the rest. */
  RUNLENS_SLURM_HOOK_TIMEOUT_MS: z.coerce.number().int().min(200).max(60_000).default(4000),
  /** A file to append one JSON line per hook to (slurmd drops a prolog's output). */
  RUNLENS_SLURM_HOOK_LOG: z.string().max(4096).optional(),
  /** slurmd gives hooks none; scontrol and the batch script's reader need one. */
  PATH: z.string().max(65_536).default('/usr/sbin:/usr/bin:/sbin:/bin'),
});
type HookEnv = z.infer<typeof hookEnv>;

export type HookKind = 'prolog' | 'epilog';

/** `env`: the hook's environment, as slurmd gave it (main.ts passes process.env); scontrol runs with it. */
export async function slurmHookCommand(kind: HookKind, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const started = Date.now();
  const parsed = hookEnv.safeParse(env);
  if (!parsed.success) {
    logLine(env.RUNLENS_SLURM_HOOK_LOG, { hook: kind, outcome: 'skipped', why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return EXIT.ok;
  }
  const c = parsed.data;
  // The last guard: whatever hangs, slurmd gets its 0 in time.
  const guard = setTimeout(() => process.exit(EXIT.ok), c.RUNLENS_SLURM_HOOK_TIMEOUT_MS + 500).unref();
  const info = await askScontrol(c, env);
  const msg = kind === 'prolog' ? prologMessage(c, info) : epilogMessage(c, info, started);
  if (msg.op === 'slurm_start' && msg.command === '') msg.command = wrappedCommand(await batchScript(c));
  const outcome = await callSocket(c.RUNLENS_AGENT_SOCKET, msg, Math.max(200, c.RUNLENS_SLURM_HOOK_TIMEOUT_MS - (Date.now() - started)))
    .then((r) => ({ outcome: 'told', reply: r }), (e: unknown) => ({ outcome: 'agent_unreachable', why: e instanceof Error ? e.message : String(e) }));
  const said = msg.op === 'slurm_end' ? { state: msg.state, exit_code: msg.exit_code, slurm: `${info?.state ?? ''}/${info?.reason ?? ''}` } : {};
  clearTimeout(guard);
  logLine(c.RUNLENS_SLURM_HOOK_LOG, { hook: kind, job_id: c.SLURM_JOB_ID, node: c.SLURMD_NODENAME, scontrol: info !== null, ms: Date.now() - started, ...said, ...outcome });
  return EXIT.ok;
}

async function askScontrol(c: HookEnv, env: Readonly<Record<string, string | undefined>>): Promise<SlurmJobInfo | null> {
  const argv = c.RUNLENS_SCONTROL.split(/\s+/).filter(Boolean);
  const a = await scontrolQuery({ argv, timeoutMs: Math.floor(c.RUNLENS_SLURM_HOOK_TIMEOUT_MS / 2), env: { ...env, PATH: c.PATH } })(c.SLURM_JOB_ID);
  return a.kind === 'ok' ? parseScontrolJob(a.text) : null;
}

/** `sbatch --wrap` jobs have no Command; their generated script holds it (root may read it at the prolog). */
function batchScript(c: HookEnv): Promise<string> {
  const [cmd = '/usr/bin/scontrol', ...pre] = c.RUNLENS_SCONTROL.split(/\s+/).filter(Boolean);
  return new Promise((resolve) => {
    execFile(cmd, [...pre, 'write', 'batch_script', c.SLURM_JOB_ID, '-'], { timeout: Math.floor(c.RUNLENS_SLURM_HOOK_TIMEOUT_MS / 4), maxBuffer: 64 * 1024, encoding: 'utf8' },
      (err, stdout) => resolve(err ? '' : stdout));
  });
}

/** The command of a script `sbatch --wrap` made (its lines after sbatch's comment), else ''. */
export function wrappedCommand(script: string): string {
  const marker = '# This script was created by sbatch --wrap.';
  const at = script.indexOf(marker);
  if (at < 0) return '';
  return script.slice(at + marker.length).split('\n').map((l) => l.trim()).filter(Boolean).join('; ').slice(0, 4096);
}

export function prologMessage(c: HookEnv, info: SlurmJobInfo | null): SlurmHookMessage {
  const nodes = expandHostlist(c.SLURM_NODELIST) ?? [];
  const m = startMessage(c.SLURMD_NODENAME, info, {
    job_id: c.SLURM_JOB_ID, user: c.SLURM_JOB_USER || userName(c.SLURM_JOB_UID), uid: c.SLURM_JOB_UID ?? null, partition: c.SLURM_JOB_PARTITION, nodes,
  });
  // Without scontrol's per-node detail, slurmd's SLURM_JOB_CPUS_PER_NODE (`2(x3),1`, in NodeList order) says it.
  if (Object.keys(m.cpus_per_node).length === 0) m.cpus_per_node = cpusPerNode(c.SLURM_JOB_CPUS_PER_NODE, nodes);
  return m;
}

function epilogMessage(c: HookEnv, info: SlurmJobInfo | null, now: number): SlurmHookMessage {
  return { op: 'slurm_end', node: c.SLURMD_NODENAME, job_id: c.SLURM_JOB_ID, state: epilogState(info), exit_code: info?.exit_code ?? null, end_ms: now };
}

/** `2(x3),1` over [a,b,c,d] → {a:2,b:2,c:2,d:1}; {} when the counts and nodes disagree. */
export function cpusPerNode(text: string, nodes: readonly string[]): Record<string, number> {
  const counts: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d{1,6})(?:\(x(\d{1,6})\))?$/.exec(part.trim());
    if (!m?.[1] || counts.length > nodes.length) return {};
    for (let i = 0; i < Number(m[2] ?? 1) && counts.length <= nodes.length; i++) counts.push(Number(m[1]));
  }
  return counts.length === nodes.length ? Object.fromEntries(nodes.map((n, i) => [n, counts[i] ?? 0])) : {};
}

/** uid → name from /etc/passwd ('' when unknown): slurmd normally gives SLURM_JOB_USER itself. */
function userName(uid: number | undefined): string {
  if (uid === undefined) return '';
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
    return (line?.split(':')[0] ?? '').slice(0, 64);
  } catch {
    return '';
  }
}

function logLine(path: string | undefined, fields: Record<string, unknown>): void {
  const line = `${JSON.stringify({ ts: new Date().toISOString(), ...fields })}\n`;
  process.stderr.write(line);
  if (path === undefined) return;
  try {
    appendFileSync(path, line, { mode: 0o600 });
  } catch {
    // nowhere left to say it; the hook still succeeds
  }
}
