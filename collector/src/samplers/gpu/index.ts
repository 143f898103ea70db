import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Row } from '@runlens/schemas';
import { z } from 'zod';
import { defineSampler } from '../../sampler.ts';
import type { Absent, HostContext, RowsByTable, SamplerInstance, Tick } from '../../sampler.ts';
import type { PolledAccelerator } from './accelerator.ts';
import { findOnPath } from './find-bin.ts';
import { APPS_QUERY_FIELDS, parseComputeApps, parseGpuCsv } from './parse.ts';
import type { GpuReading } from './parse.ts';
import { createPolled } from './polled.ts';
import { GpuStream, gpuQueryArgs } from './stream.ts';
import { POLLED_VENDORS } from './vendors.ts';

const run = promisify(execFile);
const APPS_ARGS = [`--query-compute-apps=${APPS_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

function gpuRow(tick: Tick, host: string, g: GpuReading): Row<'gpu_samples'> {
  return { ts: tick.ts, host, ...g, throttle_reasons: [...g.throttle_reasons] };
}

async function processRows(bin: string, timeoutMs: number, tick: Tick, host: string): Promise<Row<'gpu_process_samples'>[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(bin, APPS_ARGS, { timeout: timeoutMs, encoding: 'utf8' }));
  } catch {
    return []; // a slow or failing query loses this tick's process rows, not the GPU rows
  }
  return parseComputeApps(stdout).map((a) => {
    const who = tick.attribute(a.pid);
    return {
      ts: tick.ts, host, run_id: who?.run_id ?? '', rank: who?.rank ?? null,
      gpu_uuid: a.gpu_uuid, pid: a.pid, comm: a.comm, used_mem_bytes: a.used_mem_bytes, sm_util_ratio: null,
    };
  });
}

const configSchema = z.object({
  nvidia_smi: z.string().default('nvidia-smi'),
  /** AMD ROCm; polled once per tick. */
  rocm_smi: z.string().default('rocm-smi'),
  /** AMD ROCm 6+ (rocm-smi's successor, no names or ids); polled once per tick when rocm-smi is absent. */
  amd_smi: z.string().default('amd-smi'),
  /** Huawei Ascend; polled once per tick. */
  npu_smi: z.string().default('npu-smi'),
  /** The PATH to search; the composition root passes the agent's PATH. */
  search_path: z.string().optional(),
  interval_ms: z.number().int().min(100).default(1000),
  processes: z.boolean().default(true),
  query_timeout_ms: z.number().int().positive().default(5000),
  /** A polled CLI printing more than this is killed and its tick skipped. */
  output_cap_bytes: z.number().int().positive().default(4 * 1024 * 1024),
}).strict();
type GpuConfig = z.infer<typeof configSchema>;

async function createNvidia(bin: string, config: GpuConfig, host: HostContext): Promise<SamplerInstance | Absent> {
  let first: GpuReading[];
  try {
    const { stdout } = await run(bin, gpuQueryArgs(), { timeout: config.query_timeout_ms, encoding: 'utf8' });
    first = parseGpuCsv(stdout);
  } catch (e) {
    return { absent: `gpu: nvidia-smi failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  if (first.length === 0) return { absent: 'gpu: nvidia-smi lists no GPUs' };
  const stream = new GpuStream(bin, config.interval_ms, host.log);
  stream.seed(first);
  stream.start();
  // A reading older than a few stream intervals is stale: better a gap than a frozen value.
  const maxAgeS = Math.max(5, (3 * config.interval_ms) / 1000);
  return {
    async sample(tick): Promise<RowsByTable> {
      const gpu_samples = stream.readings(maxAgeS).map((g) => gpuRow(tick, host.host, g));
      const gpu_process_samples = config.processes ? await processRows(bin, config.query_timeout_ms, tick, host.host) : [];
      return { gpu_samples, gpu_process_samples };
    },
    close() {
      stream.close();
    },
  };
}

/** Vendors after NVIDIA, in the order they are looked for; the first whose CLI exists is used. */
const POLLED: readonly { src: PolledAccelerator; bin: (c: GpuConfig) => string }[] =
  POLLED_VENDORS.map((v) => ({ src: v.src, bin: (c: GpuConfig) => c[v.key] }));

export const gpuSampler = defineSampler({
  id: 'gpu',
  description: 'Per-accelerator utilisation, memory, power and temperature: NVIDIA from a long-running nvidia-smi (plus clocks, PCIe, throttling, ECC and per-process memory), AMD from rocm-smi or amd-smi and Huawei Ascend from npu-smi polled once per tick.',
  config: configSchema,
  async create(config, host) {
    const searchPath = config.search_path ?? process.env['PATH'];
    const nvidia = findOnPath(config.nvidia_smi, searchPath);
    if (nvidia !== null) return createNvidia(nvidia, config, host);
    const limits = { timeout_ms: config.query_timeout_ms, output_cap_bytes: config.output_cap_bytes };
    for (const { src, bin } of POLLED) {
      const found = findOnPath(bin(config), searchPath);
      if (found !== null) return createPolled(src, bin(config), found, limits, host);
    }
    return { absent: `gpu: ${[config.nvidia_smi, ...POLLED.map((p) => p.bin(config))].join(', ')} not found` };
  },
});
