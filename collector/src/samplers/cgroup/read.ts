import { join } from 'node:path';
import { readText } from '../../lib/proc-files.ts';
import type { CgroupLocation } from './locate.ts';
import {
  parseBlkioBytes, parseCpuMax, parseFlatKeyed, parseIoStat, parseMemLimit, parseSingleNumber, quotaCores,
} from './parse.ts';
import type { IoBytes } from './parse.ts';

/** One cgroup's counters and gauges; null where the controller or file is missing. */
export interface CgroupReading {
  /** Cumulative CPU time in seconds. */
  readonly cpu_s: number | null;
  readonly nr_periods: number | null;
  readonly nr_throttled: number | null;
  readonly quota_cores: number | null;
  readonly mem_usage_bytes: number | null;
  readonly mem_limit_bytes: number | null;
  readonly io: IoBytes | null;
}

const at = (dir: string | undefined, file: string): string | null => (dir === undefined ? null : readText(join(dir, file)));

function readV1(dirs: Extract<CgroupLocation, { version: 1 }>['dirs']): CgroupReading {
  const usageNs = parseSingleNumber(at(dirs.cpuacct, 'cpuacct.usage'));
  const stat = parseFlatKeyed(at(dirs.cpu, 'cpu.stat'));
  return {
    cpu_s: usageNs === null ? null : usageNs / 1e9,
    nr_periods: stat.get('nr_periods') ?? null,
    nr_throttled: stat.get('nr_throttled') ?? null,
    quota_cores: quotaCores(parseSingleNumber(at(dirs.cpu, 'cpu.cfs_quota_us')), parseSingleNumber(at(dirs.cpu, 'cpu.cfs_period_us'))),
    mem_usage_bytes: parseSingleNumber(at(dirs.memory, 'memory.usage_in_bytes')),
    mem_limit_bytes: parseMemLimit(at(dirs.memory, 'memory.limit_in_bytes')),
    io: parseBlkioBytes(at(dirs.blkio, 'blkio.throttle.io_service_bytes')),
  };
}

function readV2(dir: string): CgroupReading {
  const stat = parseFlatKeyed(at(dir, 'cpu.stat'));
  const usageUs = stat.get('usage_usec');
  return {
    cpu_s: usageUs === undefined ? null : usageUs / 1e6,
    nr_periods: stat.get('nr_periods') ?? null,
    nr_throttled: stat.get('nr_throttled') ?? null,
    quota_cores: parseCpuMax(at(dir, 'cpu.max')),
    mem_usage_bytes: parseSingleNumber(at(dir, 'memory.current')),
    mem_limit_bytes: parseMemLimit(at(dir, 'memory.max')),
    io: parseIoStat(at(dir, 'io.stat')),
  };
}

export function readCgroup(loc: CgroupLocation): CgroupReading {
  return loc.version === 1 ? readV1(loc.dirs) : readV2(loc.dir);
}
