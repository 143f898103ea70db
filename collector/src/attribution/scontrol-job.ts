import { expandHostlist } from './hostlist.ts';

/** What Slurm says about one job (`scontrol show job -d -o ID`), as RunLens records it. */
export interface SlurmJobInfo {
  readonly job_id: string;
  readonly name: string;
  readonly user: string;
  readonly uid: number | null;
  readonly account: string;
  readonly partition: string;
  /** Base state without flags: RUNNING, COMPLETING, COMPLETED, CANCELLED, … */
  readonly state: string;
  /** Slurm's Reason: while a job is COMPLETING (its epilog runs), the only word on how it ended. */
  readonly reason: string;
  /** Exit code of the batch script; 128+N when killed by signal N; null while running. */
  readonly exit_code: number | null;
  readonly time_limit_s: number | null;
  readonly start_ms: number | null;
  readonly end_ms: number | null;
  readonly nodes: readonly string[];
  readonly cpus_total: number;
  /** CPUs allocated on each node, from the `-d` detail groups. */
  readonly cpus_per_node: ReadonlyMap<string, number>;
  readonly gpus_per_node: ReadonlyMap<string, number>;
  readonly mem_bytes: number | null;
  readonly gpus_total: number;
  readonly command: string;
  /** Where Slurm writes the job's output (StdOut, StdErr); '' when none or /dev/null. */
  readonly stdout_path: string;
  readonly stderr_path: string;
}

const MAX_TEXT = 64 * 1024;
const MAX_TOKENS = 2048;
const KEY = /^([A-Za-z_][A-Za-z0-9_/:]*)=(.*)$/s;

/** key=value tokens of a one-line record; a token without `key=` continues the previous value (spaces in paths). */
export function scontrolTokens(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const tok of text.slice(0, MAX_TEXT).split(/\s+/)) {
    if (tok === '') continue;
    const m = KEY.exec(tok);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      if (out.length >= MAX_TOKENS) break;
      out.push([m[1], m[2]]);
    } else if (out.length > 0) {
      const last = out[out.length - 1] as [string, string];
      last[1] += ` ${tok}`;
    }
  }
  return out;
}

/** Parses one job record; null when it is not one (empty output, an error message, garbage). */
export function parseScontrolJob(text: string): SlurmJobInfo | null {
  const tokens = scontrolTokens(text.split('\n', 1)[0] ?? '');
  const kv = new Map<string, string>();
  for (const [k, v] of tokens) if (!kv.has(k)) kv.set(k, v);
  const jobId = kv.get('JobId') ?? '';
  if (!/^\d{1,12}$/.test(jobId)) return null;
  const user = /^([^()]*)\((\d{1,10})\)$/.exec(kv.get('UserId') ?? '');
  const tres = parseTres(kv.get('TRES') ?? '');
  const detail = perNode(tokens);
  return {
    job_id: jobId, name: kv.get('JobName') ?? '', user: user?.[1] ?? '', uid: user?.[2] ? Number(user[2]) : null,
    account: orEmpty(kv.get('Account')), partition: orEmpty(kv.get('Partition')),
    state: (kv.get('JobState') ?? '').split('+')[0] ?? '', reason: orEmpty(kv.get('Reason')).slice(0, 64),
    exit_code: exitCode(kv.get('ExitCode') ?? '', kv.get('JobState') ?? ''),
    time_limit_s: duration(kv.get('TimeLimit') ?? ''), start_ms: localTime(kv.get('StartTime')), end_ms: localTime(kv.get('EndTime')),
    nodes: expandHostlist(orEmpty(kv.get('NodeList'))) ?? [], cpus_total: count(kv.get('NumCPUs')) ?? tres.cpu,
    cpus_per_node: detail.cpus, gpus_per_node: detail.gpus, mem_bytes: tres.mem, gpus_total: tres.gpus,
    command: orEmpty(kv.get('Command')), stdout_path: outputPath(kv.get('StdOut')), stderr_path: outputPath(kv.get('StdErr')),
  };
}

function outputPath(v: string | undefined): string {
  const p = orEmpty(v);
  return p === '/dev/null' ? '' : p.slice(0, 4096);
}

function orEmpty(v: string | undefined): string {
  return v === undefined || v === '(null)' ? '' : v;
}

function count(v: string | undefined): number | null {
  return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : null;
}

/** `a:b` is exit status a, or signal b. Meaningless while the job runs. */
function exitCode(v: string, state: string): number | null {
  const m = /^(\d{1,3}):(\d{1,3})$/.exec(v);
  if (!m || /^(PENDING|RUNNING|SUSPENDED|CONFIGURING)/.test(state)) return null;
  return Number(m[2]) > 0 ? 128 + Number(m[2]) : Number(m[1]);
}

/** Slurm durations: `UNLIMITED`, `MM:SS`, `HH:MM:SS`, `D-HH:MM:SS` (also `D-HH`, `D-HH:MM`). */
export function duration(v: string): number | null {
  const m = /^(?:(\d{1,6})-)?(\d{1,6})(?::(\d{1,2}))?(?::(\d{1,2}))?$/.exec(v);
  if (!m) return null;
  const [d, a, b, c] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  if (d !== undefined) return d * 86_400 + (a ?? 0) * 3600 + (b ?? 0) * 60 + (c ?? 0);
  if (c !== undefined) return (a ?? 0) * 3600 + (b ?? 0) * 60 + c;
  if (b !== undefined) return (a ?? 0) * 60 + b;
  return (a ?? 0) * 60;
}

/** Slurm prints times in the controller's local zone without an offset, as JS reads them. */
function localTime(v: string | undefined): number | null {
  if (v === undefined || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(v)) return null;
  const ms = new Date(v).getTime();
  return Number.isFinite(ms) ? ms : null;
}

const MEM_UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

function parseTres(v: string): { cpu: number; mem: number | null; gpus: number } {
  let cpu = 0;
  let mem: number | null = null;
  let gpus = 0;
  for (const part of v.split(',').slice(0, 64)) {
    const [k = '', val = ''] = part.split('=', 2);
    if (k === 'cpu') cpu = count(val) ?? 0;
    if (k === 'gres/gpu') gpus = count(val) ?? 0;
    const m = /^(\d{1,12}(?:\.\d{1,6})?)([KMGT])?$/.exec(val);
    if (k === 'mem' && m?.[1]) mem = Math.round(Number(m[1]) * (MEM_UNIT[m[2] ?? 'M'] ?? 1));
  }
  return { cpu, mem, gpus };
}

/** `Nodes=rlnode[1-2] CPU_IDs=0-1 Mem=300 GRES=gpu:2(IDX:0-1)` groups of `-d` output. */
function perNode(tokens: readonly [string, string][]): { cpus: Map<string, number>; gpus: Map<string, number> } {
  const cpus = new Map<string, number>();
  const gpus = new Map<string, number>();
  let group: string[] = [];
  for (const [k, v] of tokens) {
    if (k === 'Nodes') group = expandHostlist(v, 4096) ?? [];
    const n = k === 'CPU_IDs' ? cpuCount(v) : k === 'GRES' ? gpuCount(v) : null;
    for (const node of n === null ? [] : group) (k === 'CPU_IDs' ? cpus : gpus).set(node, n ?? 0);
  }
  return { cpus, gpus };
}

function cpuCount(v: string): number | null {
  let n = 0;
  for (const r of v.split(',').slice(0, 4096)) {
    const m = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(r);
    if (!m?.[1]) return null;
    n += m[2] === undefined ? 1 : Math.max(0, Number(m[2]) - Number(m[1]) + 1);
  }
  return n;
}

function gpuCount(v: string): number {
  const m = /(?:^|,)gpu(?::[^:(,]{1,64})?:(\d{1,4})/.exec(v);
  return m?.[1] ? Number(m[1]) : 0;
}
