import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Row } from '@runlens/schemas';
import type { Absent, HostContext, RowsByTable, SamplerInstance, Tick } from '../../sampler.ts';
import type { PolledAccelerator } from './accelerator.ts';

const run = promisify(execFile);

export interface PollLimits {
  readonly timeout_ms: number;
  /** stdout beyond this many bytes kills the child and loses the poll (never a partial parse). */
  readonly output_cap_bytes: number;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e));

async function poll(bin: string, src: PolledAccelerator, lim: PollLimits): Promise<string> {
  const { stdout } = await run(bin, [...src.args], {
    timeout: lim.timeout_ms, maxBuffer: lim.output_cap_bytes, killSignal: 'SIGKILL', encoding: 'utf8',
  });
  return stdout;
}

/**
 * A vendor CLI run once per tick (no long-running stream: rocm-smi and npu-smi have no
 * loop mode with a stable line format). A poll still running from the last tick is not
 * doubled: the tick gets no rows. A failed poll is a gap, logged once per failure streak.
 */
export async function createPolled(src: PolledAccelerator, name: string, bin: string, lim: PollLimits, host: HostContext): Promise<SamplerInstance | Absent> {
  try {
    if (src.parse(await poll(bin, src, lim)).length === 0) return { absent: `gpu: ${name} lists no devices` };
  } catch (e) {
    return { absent: `gpu: ${name} failed: ${firstLine(e)}` };
  }
  let inFlight = false;
  let failing = false;
  return {
    async sample(tick: Tick): Promise<RowsByTable> {
      if (inFlight) return { gpu_samples: [] };
      inFlight = true;
      try {
        const readings = src.parse(await poll(bin, src, lim));
        failing = false;
        const gpu_samples: Row<'gpu_samples'>[] = readings.map((g) => ({ ts: tick.ts, host: host.host, ...g, throttle_reasons: [...g.throttle_reasons] }));
        return { gpu_samples };
      } catch (e) {
        if (!failing) host.log.warn(`${name} poll failed; GPU rows skipped until it recovers`, { error: firstLine(e) });
        failing = true;
        return { gpu_samples: [] };
      } finally {
        inFlight = false;
      }
    },
    close() { /* nothing long-running */ },
  };
}
