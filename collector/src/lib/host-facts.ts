import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';

function getconf(name: string, fallback: number): number {
  try {
    const v = Number.parseInt(execFileSync('getconf', [name], { encoding: 'utf8' }).trim(), 10);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}

/** Facts read once at start: /proc units differ between machines (USER_HZ, 64 KiB pages on arm64). */
export interface HostFacts {
  readonly host: string;
  readonly clkTck: number;
  readonly pageSize: number;
}

export function readHostFacts(hostOverride?: string): HostFacts {
  return { host: hostOverride ?? hostname(), clkTck: getconf('CLK_TCK', 100), pageSize: getconf('PAGESIZE', 4096) };
}

/** Seconds since boot on the monotonic clock that /proc start times use. */
export function monoSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}
