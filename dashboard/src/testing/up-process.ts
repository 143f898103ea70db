import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { scryptSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test helpers that drive the real `bin/runlens` the way a user does (the dashboard may not import bin code). */
export const RUNLENS = fileURLToPath(new URL('../../../bin/runlens', import.meta.url));

/** `users.json` in the format `runlens up` reads: scrypt$salt$hash. */
export function writeUsers(dir: string, users: readonly { user: string; role: 'user' | 'ops' | 'admin'; password: string }[]): void {
  const hash = (p: string): string => { const s = randomBytes(16); return `scrypt$${s.toString('hex')}$${scryptSync(p, s, 32).toString('hex')}`; };
  writeFileSync(join(dir, 'users.json'), JSON.stringify(users.map((u) => ({ user: u.user, role: u.role, password: hash(u.password) }))), { mode: 0o600 });
}

/** `runlens dashboard build`: builds the Next app once, when its sources changed. */
export function buildDashboard(): void {
  const r = spawnSync(RUNLENS, ['dashboard', 'build'], { encoding: 'utf8', timeout: 280_000 });
  if (r.status !== 0) throw new Error(`dashboard build failed:\n${r.stderr}`);
}

export interface UpProcess { readonly child: ChildProcess; readonly url: string; stderr(): string; stop(): Promise<number | null> }

/** Starts `runlens up` and waits until its API and dashboard both answer. */
export function startUp(env: Record<string, string>, timeoutMs = 150_000): Promise<UpProcess> {
  return startRole(['up'], /"msg":"runlens up".*?"api":"(http:\/\/127\.0\.0\.1:\d+)"/, env, timeoutMs);
}

/** Starts the cluster role `runlens dashboard` (its store from RUNLENS_STORE / RUNLENS_CLICKHOUSE_*) and waits until it serves. */
export function startDashboardRole(env: Record<string, string>, timeoutMs = 150_000): Promise<UpProcess> {
  return startRole(['dashboard'], /"msg":"runlens dashboard".*?"ui":"(http:\/\/127\.0\.0\.1:\d+)"/, env, timeoutMs);
}

async function startRole(args: readonly string[], announce: RegExp, env: Record<string, string>, timeoutMs: number): Promise<UpProcess> {
  const child = spawn(RUNLENS, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  let url = '';
  while (Date.now() < deadline) {
    url ||= announce.exec(err)?.[1] ?? '';
    if (url) {
      const h = await fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ dashboard: string; ready?: boolean }>).catch(() => null);
      if (h?.dashboard === 'ready' && h.ready !== false) break;
      if (h?.dashboard === 'failed') throw new Error(`dashboard failed:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (!url || Date.now() >= deadline) throw new Error(`runlens ${args.join(' ')} did not become ready:\n${err}`);
  return {
    child, url, stderr: () => err,
    stop: async () => { child.kill('SIGTERM'); return done; },
  };
}

/** `runlens run` in the same data directory: registers with `up`, like a second terminal. */
export function startRun(env: Record<string, string>, args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(RUNLENS, ['run', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr: err })));
}
