import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { z } from 'zod';

/** `runlens run` ↔ `runlens up` over a unix socket: newline-delimited JSON, one request per connection. */
export const registerRequest = z.object({
  op: z.literal('register'),
  run_id: z.string().min(1),
  root_pid: z.number().int().positive(),
  app: z.string(),
  user: z.string(),
  cmd: z.string(),
  alloc_cores: z.number().positive(),
  start_ts: z.number(),
  job_id: z.string(),
});

export const finishRequest = z.object({
  op: z.literal('finish'),
  run_id: z.string().min(1),
  exit_code: z.number().int(),
  end_ts: z.number(),
  totals: z.object({
    cpu_user_s: z.number(), cpu_sys_s: z.number(), read_bytes: z.number(), write_bytes: z.number(), rchar: z.number(), wchar: z.number(),
  }).nullable(),
});

export const pingRequest = z.object({ op: z.literal('ping') });

export const socketRequest = z.discriminatedUnion('op', [pingRequest, registerRequest, finishRequest]);
export type SocketRequest = z.infer<typeof socketRequest>;

export function serveSocket(path: string, handle: (req: SocketRequest) => Promise<unknown>): Server {
  return createServer((sock: Socket) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const parsed = socketRequest.safeParse(safeJson(buf.slice(0, nl)));
      const reply = parsed.success
        ? handle(parsed.data).then((value) => ({ ok: true, value }), (e: unknown) => ({ ok: false, error: String(e) }))
        : Promise.resolve({ ok: false, error: `bad request: ${parsed.error.issues.map((i) => i.message).join('; ')}` });
      void reply.then((r) => sock.end(JSON.stringify(r) + '\n'));
    });
    sock.on('error', () => sock.destroy());
  }).listen(path);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** One request; rejects if nothing listens (then `runlens run` goes standalone). */
export function callSocket(path: string, req: SocketRequest, timeoutMs = 120_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('runlens up did not answer')); }, timeoutMs);
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
