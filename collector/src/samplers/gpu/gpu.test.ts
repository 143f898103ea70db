import { sleep } from '@runlens/schemas';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext, SamplerInstance, Tick } from '../../sampler.ts';
import { findOnPath } from './find-bin.ts';
import { gpuSampler } from './index.ts';
import { decodeThrottleReasons, parseComputeApps, parseGpuCsv, parseGpuLine } from './parse.ts';

const TD = join(import.meta.dirname, 'testdata');
const golden = (p: string): string => readFileSync(join(TD, p), 'utf8');
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as HostContext['log'];
const host: HostContext = { host: 'g1', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log: silent };
const tick = (ts: number): Tick => ({
  ts, mono_s: ts / 1000, runs: [], observeProcesses: () => {},
  attribute: (pid) => (pid === 31337 ? { run_id: 'run-7', rank: 3, local_rank: 3 } : null),
});
const cleanup: (() => void)[] = [];
afterEach(() => { for (const f of cleanup.splice(0)) f(); });

/** A stand-in nvidia-smi that replays the hand-written golden files. */
function fakeSmi(opts: { failFirst?: boolean } = {}): { dir: string; pidFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-smi-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const pidFile = join(dir, 'stream.pid');
  const script = `#!/bin/sh
case "$*" in
  *query-compute-apps*) cat '${join(TD, 'compute-apps.csv')}' ;;
  *-lms*) echo $$ > '${pidFile}'; while :; do cat '${join(TD, 'query-gpu.throttled.csv')}'; sleep 0.05; done ;;
  *) ${opts.failFirst ? 'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver" >&2; exit 9' : `cat '${join(TD, 'query-gpu.h100x2.csv')}'`} ;;
esac
`;
  writeFileSync(join(dir, 'nvidia-smi'), script);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return { dir, pidFile };
}

async function make(searchPath: string): Promise<SamplerInstance> {
  const s = await gpuSampler.create(gpuSampler.config.parse({ search_path: searchPath, interval_ms: 100 }), host);
  if (isAbsent(s)) throw new Error(s.absent);
  cleanup.push(() => void s.close());
  return s;
}

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('nvidia-smi CSV parsing (hand-written golden files in the driver 5xx format)', () => {
  it('converts an H100 line to ratios, bytes and watts', () => {
    const [g0, g1] = parseGpuCsv(golden('query-gpu.h100x2.csv'));
    expect(g0).toMatchObject({
      gpu_index: 0, gpu_name: 'NVIDIA H100 80GB HBM3', util_ratio: 0.98, mem_util_ratio: 0.45,
      mem_used_bytes: 40960 * 2 ** 20, mem_total_bytes: 81559 * 2 ** 20, power_w: 412.33, power_limit_w: 700,
      sm_clock_mhz: 1980, mem_clock_mhz: 2619, temp_c: 54, pcie_gen: 5, pcie_width: 16,
      throttle_reasons: [], ecc_uncorrected: 0, retired_pages_pending: 0,
    });
    expect(g1?.throttle_reasons).toEqual(['gpu_idle']);
  });

  it('maps [N/A] and [Not Supported] to null, never to 0', () => {
    const g = parseGpuLine(golden('query-gpu.na.csv').trim());
    expect(g).toMatchObject({ util_ratio: null, power_w: null, temp_c: null, ecc_uncorrected: null, retired_pages_pending: null });
    expect(g?.throttle_reasons).toEqual(['sw_power_cap', 'sw_thermal_slowdown']);
  });

  it('drops truncated and garbage lines', () => {
    expect(parseGpuCsv(golden('query-gpu.truncated.csv'))).toEqual([]);
  });

  it('decodes the throttle bitmask', () => {
    expect(decodeThrottleReasons('0x00000000000000C4')).toEqual(['sw_power_cap', 'hw_thermal_slowdown', 'hw_power_brake_slowdown']);
    expect(decodeThrottleReasons('0x0000000000000108')).toEqual(['hw_slowdown', 'display_clock_setting']);
    expect(decodeThrottleReasons('[N/A]')).toEqual([]);
  });

  it('parses compute apps and skips the no-process message', () => {
    expect(parseComputeApps(golden('compute-apps.csv'))[1]).toEqual({
      gpu_uuid: 'GPU-a81d02c4-6e5f-47b9-b3c0-19f2e8d7a605', pid: 31338, comm: '/usr/bin/python3', used_mem_bytes: null,
    });
    expect(parseComputeApps(golden('compute-apps.hostile.csv'))).toEqual([]);
  });
});

describe('gpu sampler with a fake nvidia-smi', () => {
  it('serves the probe reading, then the stream, and attributes processes to runs', async () => {
    const { dir } = fakeSmi();
    const s = await make(dir);
    const first = await s.sample(tick(1000));
    expect(first.gpu_samples?.map((r) => r.gpu_index)).toEqual([0, 1]);
    expect(first.gpu_samples?.every((r) => r.ts === 1000)).toBe(true);
    await sleep(400);
    const second = await s.sample(tick(2000));
    const g0 = second.gpu_samples?.find((r) => r.gpu_index === 0);
    expect(g0?.util_ratio).toBe(1);
    expect(g0?.retired_pages_pending).toBe(1);
    const p = second.gpu_process_samples?.find((r) => r.pid === 31337);
    expect(p).toMatchObject({ run_id: 'run-7', rank: 3, used_mem_bytes: 40448 * 2 ** 20, ts: 2000 });
    expect(second.gpu_process_samples?.find((r) => r.pid === 31338)?.run_id).toBe('');
  });

  it('restarts a dead stream child and close() kills it', async () => {
    const { dir, pidFile } = fakeSmi();
    const s = await make(dir);
    await sleep(300);
    const pid1 = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid1, 'SIGKILL');
    let pid2 = pid1;
    for (let i = 0; i < 30 && pid2 === pid1; i++) {
      await sleep(100);
      pid2 = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : pid1;
    }
    expect(pid2).not.toBe(pid1);
    await s.close();
    // The kill is immediate; on a loaded machine the exit can take a moment to be reaped.
    for (let i = 0; i < 50 && alive(pid2); i++) await sleep(100);
    expect(alive(pid2)).toBe(false);
  });

  it('is Absent when the first run fails', async () => {
    const { dir } = fakeSmi({ failFirst: true });
    const s = await gpuSampler.create(gpuSampler.config.parse({ search_path: dir }), host);
    expect(isAbsent(s) ? s.absent : '').toMatch(/^gpu: nvidia-smi failed/);
  });
});

describe('gpu sampler on this machine', () => {
  it('is Absent without nvidia-smi, or reports plausible GPUs with it', async () => {
    const s = await gpuSampler.create(gpuSampler.config.parse({}), host);
    if (['nvidia-smi', 'rocm-smi', 'amd-smi', 'npu-smi'].every((b) => findOnPath(b, process.env['PATH']) === null)) {
      expect(isAbsent(s) ? s.absent : '').toBe('gpu: nvidia-smi, rocm-smi, amd-smi, npu-smi not found');
      return;
    }
    if (isAbsent(s)) return;
    cleanup.push(() => void s.close());
    await s.sample(tick(1));
    await sleep(1500);
    for (const g of (await s.sample(tick(2))).gpu_samples ?? []) {
      expect(g.util_ratio ?? 0).toBeLessThanOrEqual(1);
      expect(g.mem_total_bytes ?? 1).toBeGreaterThan(1e9);
    }
  });
});
