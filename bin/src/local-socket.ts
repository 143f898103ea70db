import { chmodSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { RUN_LOG_LINE_MAX_CHARS, RUN_LOG_TAIL_LINES, nodeTypesFileSchema } from '@runlens/schemas';
import { z } from 'zod';

/*
 * `runlens run` ↔ `runlens up` over a unix socket: one newline-terminated JSON request per
 * connection, one JSON reply, then the server closes.
 *
 * Who may call: Node exposes no SO_PEERCRED, and /proc/net/unix does not name a connection's
 * peer, so the caller's uid cannot be read per connection without a native addon. Instead
 * the kernel decides at connect(2): the socket file is mode 0600 from the moment it appears
 * (bound in a private 0700 directory, chmod'ed, then renamed into place), so only `up`'s own
 * uid (and root) can connect. The caller's identity is therefore `up`'s uid; a request's
 * `user` field is never trusted, and `up` checks in /proc that the root pid it is asked to
 * monitor belongs to that uid too.
 */
/** A finish carries the stderr tail: 200 lines of up to 1000 characters, JSON-escaped. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
export const IDLE_TIMEOUT_MS = 10_000;

export const registerRequest = z.object({
  op: z.literal('register'),
  run_id: z.string().min(1).max(128),
  root_pid: z.number().int().positive(),
  app: z.string().max(4096),
  /** Informational only: `up` refuses a request whose user is not the socket owner. */
  user: z.string().max(256).optional(),
  cmd: z.string().max(32_768),
  alloc_cores: z.number().positive(),
  alloc_gpus: z.number().int().min(0).optional(),
  start_ts: z.number(),
  job_id: z.string().max(256),
});

export const finishRequest = z.object({
  op: z.literal('finish'),
  run_id: z.string().min(1).max(128),
  exit_code: z.number().int(),
  end_ts: z.number(),
  totals: z.object({
    cpu_user_s: z.number(), cpu_sys_s: z.number(), read_bytes: z.number(), write_bytes: z.number(), rchar: z.number(), wchar: z.number(),
  }).nullable(),
  /** The last lines of the command's stderr, as `runlens run` teed them. */
  stderr_tail: z.array(z.object({ ts: z.number(), seq: z.number().int().min(0), line: z.string().max(RUN_LOG_LINE_MAX_CHARS) })).max(RUN_LOG_TAIL_LINES).optional(),
  /** OOM kills its memory cgroup counted during the run (null: unreadable). */
  memcg_oom_kills: z.number().int().min(0).nullable().optional(),
});

/** Points of a run's app metric (`runlens run --metric`, RUNLENS_METRIC_FILE) for `up` to store; at most 400 a call. */
export const metricsRequest = z.object({
  op: z.literal('metrics'),
  run_id: z.string().min(1).max(128),
  points: z.array(z.object({
    ts: z.number(), name: z.string().regex(/^[A-Za-z][A-Za-z0-9_./-]{0,63}$/), seq: z.number().int().min(0), value: z.number().finite(), source: z.enum(['output', 'file']),
  })).max(400),
});

export const pingRequest = z.object({ op: z.literal('ping') });

/** `runlens report` while `up` owns the store: `up` builds the report (RunReport, or null when no such run). */
export const reportRequest = z.object({ op: z.literal('report'), run_id: z.string().min(1).max(128) });

/** `runlens select` / `runlens nodes` while `up` owns the store; the caller's node-types file travels with the question. */
export const selectRequest = z.object({ op: z.literal('select'), app: z.string().min(1).max(256), scale: z.number().positive().finite().optional(), node_types: nodeTypesFileSchema });
export const nodesRequest = z.object({ op: z.literal('nodes'), node_types: nodeTypesFileSchema });

/** `runlens job JOBID` while `up` owns the store: `up` builds the JobSummary (null when no run has that job id). */
export const jobRequest = z.object({ op: z.literal('job'), job_id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });

/** The longest filter values `runlens runs` takes (its arguments are held to the same before they reach the socket). */
export const RUNS_FILTER_MAX = { app: 256, user: 256, kind: 64 } as const;

/** `runlens runs` while `up` owns the store: the run list's filter (RunListItem[] back). */
export const runsRequest = z.object({
  op: z.literal('runs'), app: z.string().max(RUNS_FILTER_MAX.app), status: z.string().max(16), kind: z.string().max(RUNS_FILTER_MAX.kind),
  from_ms: z.number().int().min(0), limit: z.number().int().min(1).max(500),
});

export const socketRequest = z.discriminatedUnion('op', [pingRequest, registerRequest, finishRequest, metricsRequest, reportRequest, selectRequest, nodesRequest, jobRequest, runsRequest]);
export type SocketRequest = z.infer<typeof socketRequest>;
export type RegisterRequest = z.infer<typeof registerRequest>;
export type FinishRequest = z.infer<typeof finishRequest>;

export interface ServeOptions {
  readonly idleTimeoutMs?: number;
}

/** Serves `path` with mode 0600; calls `handle` exactly once per connection. */
export function serveSocket(path: string, handle: (req: SocketRequest) => Promise<unknown>, opts: ServeOptions = {}): Server {
  return serveJsonSocket(path, socketRequest, handle, opts);
}

/** The same server for another protocol (`runlens agent`'s Slurm hooks): requests are what `schema` accepts. */
export function serveJsonSocket<T>(path: string, schema: z.ZodType<T>, handle: (req: T) => Promise<unknown>, opts: ServeOptions = {}): Server {
  const server = createServer((sock) => serveConnection(sock, (line) => answer(line, schema, handle), opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS));
  const staging = mkdtempSync(join(dirname(path), '.sock-'));
  const tmp = join(staging, 's');
  server.listen(tmp, () => {
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
    rmSync(staging, { recursive: true, force: true });
  });
  server.on('error', () => rmSync(staging, { recursive: true, force: true }));
  return server;
}

function serveConnection(sock: Socket, answerLine: (line: string) => Promise<unknown>, idleMs: number): void {
  const chunks: Buffer[] = [];
  let size = 0;
  // end, then destroy: a client that keeps writing must not keep the connection alive.
  const reply = (r: unknown): void => { sock.end(JSON.stringify(r) + '\n', () => sock.destroy()); };
  sock.setTimeout(idleMs, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  const onData = (d: Buffer): void => {
    const nl = d.indexOf(0x0a);
    const take = nl < 0 ? d : d.subarray(0, nl);
    size += take.length;
    if (size > MAX_REQUEST_BYTES) {
      stop();
      reply({ ok: false, error: `request line over ${MAX_REQUEST_BYTES} bytes` });
      return;
    }
    chunks.push(take);
    if (nl < 0) return;
    // One request per connection: whatever follows the first newline is ignored.
    stop();
    sock.setTimeout(0);
    void answerLine(Buffer.concat(chunks).toString('utf8')).then(reply);
  };
  const stop = (): void => { sock.off('data', onData); sock.pause(); };
  sock.on('data', onData);
}

async function answer<T>(line: string, schema: z.ZodType<T>, handle: (req: T) => Promise<unknown>): Promise<unknown> {
  const parsed = schema.safeParse(safeJson(line));
  if (!parsed.success) return { ok: false, error: `bad request: ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  return handle(parsed.data).then((value) => ({ ok: true, value }), (e: unknown) => ({ ok: false, error: e instanceof Error ? e.message : String(e) }));
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** One request; rejects if nothing listens or nothing answers within `timeoutMs`. */
export function callSocket(path: string, req: { readonly op: string } & Readonly<Record<string, unknown>>, timeoutMs = 120_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`runlens up did not answer within ${timeoutMs / 1000} s`)); }, timeoutMs);
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (d) => { buf += d.toString('utf8'); });
    sock.on('end', () => {
      clearTimeout(timer);
      const r = safeJson(buf) as { ok?: boolean; value?: unknown; error?: string } | null;
      if (r?.ok) resolve(r.value);
      else reject(new Error(r?.error ?? 'empty reply from runlens up'));
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}
