import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbsent } from '../../sampler.ts';
import type { HostContext, SamplerInstance, Tick } from '../../sampler.ts';
import { gpuSampler } from './index.ts';

const warnings: string[] = [];
const log = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {}, child: () => log } as unknown as HostContext['log'];
const host: HostContext = { host: 'a1', procRoot: '/proc', sysRoot: '/sys', clkTck: 100, pageSize: 4096, log };
const tick = (ts: number): Tick => ({ ts, mono_s: ts / 1000, runs: [], observeProcesses: () => {}, attribute: () => null });
const cleanup: (() => void)[] = [];
afterEach(() => { for (const f of cleanup.splice(0)) f(); warnings.length = 0; });

/** A bin dir holding stand-in vendor CLIs; `mode` is read at run time so a test can switch it. */
function binDir(tools: Record<string, string>): { dir: string; setMode: (m: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-accel-'));
  // A stand-in CLI the sampler started may still be writing here when the test ends (CI: ENOTEMPTY).
  cleanup.push(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  const modeFile = join(dir, 'mode');
  writeFileSync(modeFile, 'ok');
  for (const [name, golden] of Object.entries(tools)) {
    const script = `#!/bin/sh
case "$(cat '${modeFile}')" in
  slow) exec sleep 30 ;;
  flood) yes 'x' | head -c 2000000 ;;
  *) echo "$*" > '${join(dir, `${name}.args`)}'; cat '${join(import.meta.dirname, golden)}' ;;
esac
`;
    writeFileSync(join(dir, name), script);
    chmodSync(join(dir, name), 0o755);
  }
  return { dir, setMode: (m) => writeFileSync(modeFile, m) };
}

async function make(dir: string, extra: Record<string, unknown> = {}): Promise<SamplerInstance | { absent: string }> {
  const s = await gpuSampler.create(gpuSampler.config.parse({ search_path: dir, query_timeout_ms: 10_000, ...extra }), host);
  if (!isAbsent(s)) cleanup.push(() => void s.close());
  return s;
}

describe('gpu sampler picks the vendor whose CLI exists', () => {
  it('polls rocm-smi once per tick when only it exists', async () => {
    const { dir } = binDir({ 'rocm-smi': 'amd/testdata/rocm-smi.mi250x.json' });
    const s = await make(dir);
    if (isAbsent(s)) throw new Error(s.absent);
    const rows = (await s.sample(tick(5000))).gpu_samples ?? [];
    expect(rows.map((r) => [r.host, r.ts, r.gpu_index, r.util_ratio])).toEqual([['a1', 5000, 0, 0.97], ['a1', 5000, 1, 0]]);
  });

  it('polls amd-smi metric when rocm-smi is absent', async () => {
    const { dir } = binDir({ 'amd-smi': 'amd/testdata/amd-smi-metric.mi300x.json' });
    const s = await make(dir);
    if (isAbsent(s)) throw new Error(s.absent);
    expect((await s.sample(tick(1))).gpu_samples?.map((r) => [r.gpu_uuid, r.util_ratio])).toEqual([['gpu0', 1], ['gpu1', null]]);
    expect(readFileSync(join(dir, 'amd-smi.args'), 'utf8').trim()).toBe('metric --usage --power --temperature --mem-usage --json');
  });

  it('polls npu-smi info when only it exists', async () => {
    const { dir } = binDir({ 'npu-smi': 'ascend/testdata/npu-smi-info.910b3x2.txt' });
    const s = await make(dir);
    if (isAbsent(s)) throw new Error(s.absent);
    expect((await s.sample(tick(1))).gpu_samples?.map((r) => r.gpu_name)).toEqual(['Ascend 910B3', 'Ascend 910B3']);
  });

  it('prefers rocm-smi over npu-smi (nvidia-smi before both: gpu.test.ts)', async () => {
    const { dir } = binDir({ 'rocm-smi': 'amd/testdata/rocm-smi.mi300x.json', 'npu-smi': 'ascend/testdata/npu-smi-info.310p.txt' });
    const s = await make(dir);
    if (isAbsent(s)) throw new Error(s.absent);
    expect((await s.sample(tick(1))).gpu_samples?.[0]?.gpu_name).toBe('AMD Instinct MI300X OAM');
  });

  it('prefers nvidia-smi over rocm-smi', async () => {
    const { dir } = binDir({ 'nvidia-smi': 'testdata/query-gpu.h100x2.csv', 'rocm-smi': 'amd/testdata/rocm-smi.mi250x.json' });
    const s = await make(dir, { processes: false });
    if (isAbsent(s)) throw new Error(s.absent);
    expect((await s.sample(tick(1))).gpu_samples?.[0]?.gpu_name).toBe('NVIDIA H100 80GB HBM3');
  });

  it('names every tool it looked for when none exists, and a tool that lists nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-accel-'));
    cleanup.push(() => rmSync(empty, { recursive: true, force: true }));
    const s = await make(empty);
    expect(isAbsent(s) ? s.absent : '').toBe('gpu: nvidia-smi, rocm-smi, amd-smi, npu-smi not found');
    const { dir } = binDir({ 'npu-smi': 'amd/testdata/rocm-smi.truncated.json' });
    const t = await make(dir);
    expect(isAbsent(t) ? t.absent : '').toBe('gpu: npu-smi lists no devices');
  });
});

describe('a polled vendor CLI is bounded', () => {
  it('a hung CLI costs one timeout and a gap, logged once, then recovers', async () => {
    const { dir, setMode } = binDir({ 'rocm-smi': 'amd/testdata/rocm-smi.mi250x.json' });
    const s = await make(dir, { query_timeout_ms: 1500 }); // room for a loaded machine's first (good) poll
    if (isAbsent(s)) throw new Error(s.absent);
    setMode('slow');
    const t0 = performance.now();
    expect((await s.sample(tick(1))).gpu_samples).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(10_000); // the fake sleeps 30 s
    expect((await s.sample(tick(2))).gpu_samples).toEqual([]);
    expect(warnings.filter((w) => w.includes('rocm-smi poll failed'))).toHaveLength(1);
    setMode('ok');
    expect((await s.sample(tick(3))).gpu_samples).toHaveLength(2);
  }, 30_000);

  it('output past the cap is dropped, not parsed in part', async () => {
    const { dir, setMode } = binDir({ 'rocm-smi': 'amd/testdata/rocm-smi.mi250x.json' });
    const s = await make(dir, { output_cap_bytes: 100_000 });
    if (isAbsent(s)) throw new Error(s.absent);
    setMode('flood');
    expect((await s.sample(tick(1))).gpu_samples).toEqual([]);
  }, 30_000);
});
