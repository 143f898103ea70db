import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Row } from '@runlens/schemas';
import { readText } from '../../lib/proc-files.ts';
import { findOnPath } from '../gpu/find-bin.ts';

const run = promisify(execFile);

/** Block devices that are not storage a job reads or writes: loop, RAM and optical devices. */
const VIRTUAL = /^(loop|ram|zram|sr|fd|nbd)\d*/;

export interface BlockDevice {
  readonly device: string;
  readonly dev: string;
  readonly model: string;
  readonly size_bytes: number;
  readonly rotational: number;
}

/** The host's real block devices from /sys/block (sizes in 512-byte sectors, whatever the block size). */
export function blockDevices(sysRoot: string): BlockDevice[] {
  let names: string[];
  try {
    names = readdirSync(join(sysRoot, 'block'));
  } catch {
    return [];
  }
  return names.filter((n) => !VIRTUAL.test(n)).map((device) => {
    const dir = join(sysRoot, 'block', device);
    const size = Number(readText(join(dir, 'size'))?.trim() ?? '0') * 512;
    return {
      device, dev: readText(join(dir, 'dev'))?.trim() ?? '', model: readText(join(dir, 'device', 'model'))?.trim() ?? '',
      size_bytes: Number.isFinite(size) ? size : 0, rotational: readText(join(dir, 'queue', 'rotational'))?.trim() === '1' ? 1 : 0,
    };
  }).filter((d) => d.size_bytes > 0);
}

/** A capability measured once, cached by device identity (name, model, size). */
export interface Measured {
  readonly read_bytes_per_s: number | null;
  readonly write_bytes_per_s: number | null;
  readonly at: number;
  readonly detail: string;
}

export type DeclaredStorage = Readonly<Record<string, { read_bytes_per_s?: number | undefined; write_bytes_per_s?: number | undefined }>>;

const identity = (d: BlockDevice): string => `${d.device}|${d.model}|${d.size_bytes}`;

export function readCache(file: string | undefined): Record<string, Measured> {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, Measured>;
  } catch {
    return {};
  }
}

function writeCache(file: string | undefined, cache: Record<string, Measured>): void {
  if (!file) return;
  try {
    writeFileSync(file, JSON.stringify(cache));
  } catch {
    /* not writable: measured again next start */
  }
}

/** One device_profiles row: declared wins over measured; neither is "unknown", never a guess. */
export function deviceRow(ts: number, host: string, d: BlockDevice, declared: DeclaredStorage, measured: Measured | undefined, why: string): Row<'device_profiles'> {
  const base = { ts, host, device: d.device, model: d.model, size_bytes: d.size_bytes, rotational: d.rotational };
  const dec = declared[d.device];
  if (dec) return { ...base, read_bytes_per_s: dec.read_bytes_per_s ?? null, write_bytes_per_s: dec.write_bytes_per_s ?? null, source: 'declared', detail: 'agent configuration' };
  if (measured && (measured.read_bytes_per_s !== null || measured.write_bytes_per_s !== null)) {
    return { ...base, read_bytes_per_s: measured.read_bytes_per_s, write_bytes_per_s: measured.write_bytes_per_s, source: 'measured', detail: measured.detail };
  }
  return { ...base, read_bytes_per_s: null, write_bytes_per_s: null, source: 'unknown', detail: measured?.detail ?? why };
}

/** A writable mount point on the device or one of its partitions (from mountinfo's major:minor). */
export function mountOf(procRoot: string, sysRoot: string, d: BlockDevice): string | null {
  const devs = new Set([d.dev]);
  try {
    for (const p of readdirSync(join(sysRoot, 'block', d.device))) {
      const dev = p.startsWith(d.device) ? readText(join(sysRoot, 'block', d.device, p, 'dev'))?.trim() : undefined;
      if (dev) devs.add(dev);
    }
  } catch { /* vanished */ }
  for (const line of (readText(join(procRoot, 'self', 'mountinfo')) ?? '').split('\n')) {
    const f = line.split(' ');
    if (f[2] && devs.has(f[2]) && f[3] === '/' && f[4] && (f[5] ?? '').split(',').includes('rw')) return f[4];
  }
  return null;
}

/** A scratch directory on the same filesystem as the mount (its var/tmp or tmp), else the mount itself. */
function probeDir(mount: string): string {
  const dev = (p: string): number | null => {
    try {
      const s = statSync(p);
      return s.isDirectory() ? s.dev : null;
    } catch {
      return null;
    }
  };
  const own = dev(mount);
  return [join(mount, 'var', 'tmp'), join(mount, 'tmp')].find((p) => own !== null && dev(p) === own) ?? mount;
}

function bandwidth(stdout: string, dir: 'read' | 'write'): number | null {
  const job = (JSON.parse(stdout) as { jobs?: Record<string, { bw_bytes?: number }>[] }).jobs?.[0]?.[dir];
  return job?.bw_bytes && job.bw_bytes > 0 ? job.bw_bytes : null;
}

/**
 * Sequential 1 MiB direct IO (O_DIRECT: the page cache does not count) for `seconds` per
 * direction with fio: writes a temporary file on a mounted filesystem of the device, reads it
 * back, deletes it. Without such a filesystem, reads the raw device read-only (where the kernel
 * lets us open it). Bounded in time: fio stops at `seconds`, and is killed at `seconds + 15`.
 */
export async function probeDevice(fio: string, d: BlockDevice, mount: string | null, seconds: number): Promise<Measured> {
  const common = ['--direct=1', '--bs=1M', '--ioengine=psync', `--runtime=${seconds}`, '--time_based', '--output-format=json', '--name=runlens-probe'];
  const opts = { timeout: (seconds + 15) * 1000, killSignal: 'SIGKILL' as const, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' as const };
  const notes: string[] = [];
  const job = async (dir: 'read' | 'write', args: string[]): Promise<number | null> => {
    try {
      const bw = bandwidth((await run(fio, [...common, `--rw=${dir}`, ...args], opts)).stdout, dir);
      if (bw === null) notes.push(`${dir} probe gave no bandwidth`);
      return bw;
    } catch (e) {
      notes.push(`${dir} probe failed: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`);
      return null;
    }
  };
  if (mount === null) {
    notes.push('write unknown: no writable filesystem on the device');
    const read = await job('read', ['--readonly', `--filename=/dev/${d.device}`]);
    return { read_bytes_per_s: read, write_bytes_per_s: null, at: Date.now(), detail: [`fio direct 1 MiB sequential, ${seconds} s, raw device read`, ...notes].join('; ') };
  }
  const file = join(probeDir(mount), `.runlens-storage-probe-${process.pid}`);
  try {
    const write = await job('write', ['--size=256M', `--filename=${file}`]);
    const read = await job('read', ['--size=256M', `--filename=${file}`]);
    return { read_bytes_per_s: read, write_bytes_per_s: write, at: Date.now(), detail: [`fio direct 1 MiB sequential, ${seconds} s each, 256 MiB file on ${mount}`, ...notes].join('; ') };
  } finally {
    rmSync(file, { force: true });
  }
}

export interface StorageConfig {
  readonly probe: boolean;
  readonly probe_seconds: number;
  readonly cache_file?: string | undefined;
  readonly max_age_days: number;
  readonly declared: DeclaredStorage;
  readonly search_path?: string | undefined;
}

/**
 * Capability of every block device: declared in the configuration, measured once by a probe
 * (opt-in: it loads the device for a few seconds) and cached, or unknown with the reason.
 */
export class StorageCapability {
  private cache: Record<string, Measured>;
  private probing: Promise<void> | null = null;

  constructor(private readonly procRoot: string, private readonly sysRoot: string, private readonly cfg: StorageConfig) {
    this.cache = readCache(cfg.cache_file);
  }

  rows(ts: number, host: string): Row<'device_profiles'>[] {
    const devices = blockDevices(this.sysRoot);
    const why = this.cfg.probe ? 'probe not finished yet' : 'not declared, and the probe is off (node_profile.storage.probe)';
    return devices.map((d) => deviceRow(ts, host, d, this.cfg.declared, this.fresh(d), why));
  }

  /** Starts the probes of devices without a fresh measurement; resolves when they are done (at most one round at a time). */
  measure(): Promise<void> {
    if (!this.cfg.probe) return Promise.resolve();
    this.probing ??= this.measureAll().finally(() => { this.probing = null; });
    return this.probing;
  }

  private fresh(d: BlockDevice): Measured | undefined {
    const m = this.cache[identity(d)];
    return m && Date.now() - m.at < this.cfg.max_age_days * 86_400_000 ? m : undefined;
  }

  private async measureAll(): Promise<void> {
    const fio = findOnPath('fio', this.cfg.search_path);
    for (const d of blockDevices(this.sysRoot)) {
      if (this.fresh(d) || this.cfg.declared[d.device]) continue;
      this.cache[identity(d)] = fio === null
        ? { read_bytes_per_s: null, write_bytes_per_s: null, at: Date.now(), detail: 'fio not found: capability unknown' }
        : await probeDevice(fio, d, mountOf(this.procRoot, this.sysRoot, d), this.cfg.probe_seconds);
    }
    writeCache(this.cfg.cache_file, this.cache);
  }
}
