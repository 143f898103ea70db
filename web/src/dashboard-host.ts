import { DASHBOARD_CONTEXT_KEY, type DashboardContext, type Logger } from '@runlens/schemas';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

export interface DashboardHandle {
  state(): 'building' | 'starting' | 'ready' | 'failed';
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The sources Next bundles into the dashboard: its own, and those of the packages it imports
 * at run time (the analyzer's chart builders and units, schemas' contracts and repositories).
 */
const BUNDLED_SOURCES = ['dashboard/src', 'analyzer/src', 'schemas/src'];

/** True when `.next/BUILD_ID` is missing or older than any source the dashboard bundles. */
export function dashboardBuildStale(dir = DASHBOARD_DIR): boolean {
  const id = join(dir, '.next', 'BUILD_ID');
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  const newer = (p: string): boolean => readdirSync(p, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? newer(join(p, e.name)) : !e.name.endsWith('.test.ts') && statSync(join(p, e.name)).mtimeMs > built);
  const root = join(dir, '..');
  return BUNDLED_SOURCES.some((src) => existsSync(join(root, src)) && newer(join(root, src))) || statSync(join(dir, 'next.config.ts')).mtimeMs > built;
}

const LOCK = join(DASHBOARD_DIR, '.next-build.lock');

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Waits while another live process builds (its pid in the lock file); false when the lock is ours to take. */
async function waitForOtherBuild(log: Logger): Promise<boolean> {
  let waited = false;
  for (;;) {
    const pid = existsSync(LOCK) ? Number(readFileSync(LOCK, 'utf8')) : 0;
    if (!pid || !alive(pid)) return waited;
    if (!waited) log.info('waiting for another dashboard build', { pid });
    waited = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Runs `next build` in the dashboard folder when it is stale, logging its output lines. One
 * build at a time per checkout (a lock file holding the builder's pid); the build dies with us.
 */
export async function buildDashboard(log: Logger, track?: (c: ChildProcess) => void): Promise<void> {
  if (await waitForOtherBuild(log) && !dashboardBuildStale()) return;
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const child = spawn(process.execPath, [nextBin, 'build'], {
    cwd: DASHBOARD_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  writeFileSync(LOCK, String(child.pid ?? process.pid));
  const kill = (): void => { child.kill('SIGTERM'); };
  process.once('exit', kill);
  track?.(child);
  const lines = (d: Buffer): void => { for (const l of d.toString().split('\n')) if (l.trim()) log.info('dashboard build', { line: l.trim() }); };
  child.stdout?.on('data', lines);
  child.stderr?.on('data', lines);
  const [code] = await once(child, 'close') as [number | null];
  process.removeListener('exit', kill);
  rmSync(LOCK, { force: true });
  if (code !== 0) throw new Error(`next build exited with ${code}`);
}

/**
 * Hosts the Next.js dashboard in this process: builds it when stale, hands it the context
 * through globalThis (so pages use this process's Store), then serves through Next's handler.
 */
export function startDashboard(ctx: DashboardContext, log: Logger): DashboardHandle {
  let state: ReturnType<DashboardHandle['state']> = 'starting';
  let handler: Handler | null = null;
  let app: { close(): Promise<void> } | null = null;
  let building: ChildProcess | null = null;
  const ready = (async () => {
    if (dashboardBuildStale()) {
      state = 'building';
      log.info('building the dashboard (first start or changed sources; about a minute)', { dir: DASHBOARD_DIR });
      await buildDashboard(log, (c) => { building = c; });
      building = null;
    }
    state = 'starting';
    (globalThis as Record<string, unknown>)[DASHBOARD_CONTEXT_KEY] = ctx;
    // next is CommonJS; through Node's ESM interop its module.exports is `default`.
    const next = (await import('next/dist/server/next.js')).default as unknown as typeof import('next/dist/server/next.js').default;
    // Not quiet: Next prints a failing page's error (plain text, stderr) for the operator.
    const a = next({ dir: DASHBOARD_DIR, dev: false, quiet: false });
    await a.prepare();
    app = a;
    handler = a.getRequestHandler();
    state = 'ready';
    log.info('dashboard ready');
  })().catch((e: unknown) => {
    state = 'failed';
    log.error('dashboard failed to start', { error: e instanceof Error ? e.message : String(e) });
  });
  return {
    state: () => state,
    async handle(req, res) {
      if (handler) return handler(req, res);
      res.writeHead(state === 'failed' ? 500 : 503, { 'content-type': 'text/plain', 'retry-after': '5' });
      res.end(`runlens dashboard: ${state}\n`);
    },
    async close() {
      (building as ChildProcess | null)?.kill('SIGTERM');
      await ready;
      await app?.close();
    },
  };
}
