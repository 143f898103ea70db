import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageCapability, blockDevices } from './storage.ts';

const dir = mkdtempSync(join(tmpdir(), 'storage-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real probe on this machine's real disks: fio, 1 s per direction, cached. */
describe('storage probe on this machine', () => {
  it('measures each real block device once (direct write and read back of a file on its filesystem) and serves the cache after', async (ctx) => {
    if (blockDevices('/sys').length === 0 || !existsSync('/usr/bin/fio')) ctx.skip();
    const cfg = { probe: true, probe_seconds: 1, cache_file: join(dir, 'cache.json'), max_age_days: 30, declared: {}, search_path: process.env.PATH };
    const first = new StorageCapability('/proc', '/sys', cfg);
    expect(first.rows(1, 'h').every((r) => r.source === 'unknown')).toBe(true); // before the probe ends
    await first.measure();
    const rows = first.rows(2, 'h');
    const root = rows.find((r) => r.write_bytes_per_s !== null);
    expect(root?.source).toBe('measured');
    expect(root?.read_bytes_per_s).toBeGreaterThan(1024 * 1024);
    expect(root?.write_bytes_per_s).toBeGreaterThan(1024 * 1024);
    expect(root?.detail).toContain('fio direct 1 MiB sequential, 1 s each');
    const cached = readFileSync(cfg.cache_file, 'utf8');
    const second = new StorageCapability('/proc', '/sys', cfg);
    await second.measure();
    expect(second.rows(3, 'h').map((r) => [r.device, r.read_bytes_per_s, r.write_bytes_per_s])).toEqual(rows.map((r) => [r.device, r.read_bytes_per_s, r.write_bytes_per_s]));
    expect(readFileSync(cfg.cache_file, 'utf8')).toBe(cached); // not measured again
  }, 120_000);
});
