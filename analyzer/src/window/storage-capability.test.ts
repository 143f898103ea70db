import type { Row } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { AnalyzerState } from '../state/analyzer-state.ts';
import { capabilityShare, hostStorage, runStorage } from './storage-capability.ts';

const MB = 1e6;
const dev = (device: string, read: number | null, write: number | null, ts = 1, host = 'h1'): Row<'device_profiles'> => ({
  ts, host, device, model: '', size_bytes: 1e12, rotational: 0, read_bytes_per_s: read, write_bytes_per_s: write,
  source: read === null && write === null ? 'unknown' : 'measured', detail: read === null && write === null ? 'probe off' : 'fio',
});

describe('storage capability from device_profiles', () => {
  it('takes each device\'s newest row and the fastest device per direction', () => {
    expect(hostStorage([dev('vda', 500 * MB, 400 * MB), dev('nvme0n1', 3000 * MB, 2000 * MB), dev('vda', 900 * MB, 800 * MB, 0)]))
      .toEqual({ read_bytes_per_s: 3000 * MB, write_bytes_per_s: 2000 * MB, unknown: [] });
  });

  it('is unknown in a direction where any device is, and says which and why', () => {
    const c = hostStorage([dev('vda', 500 * MB, 400 * MB), dev('sdb', null, null)]);
    expect(c).toEqual({ read_bytes_per_s: null, write_bytes_per_s: null, unknown: ['h1/sdb: probe off'] });
    expect(capabilityShare(300 * MB, 0, c, MB)).toBeNull();
    expect(capabilityShare(0.5 * MB, 0, c, MB)).toBe(0); // nothing in use: nothing to judge
  });

  it('adds the hosts of a run up, and judges the larger share of the directions in use', () => {
    const two = runStorage([hostStorage([dev('vda', 500 * MB, 400 * MB)]), hostStorage([dev('vda', 500 * MB, 400 * MB, 1, 'h2')])]);
    expect(two).toMatchObject({ read_bytes_per_s: 1000 * MB, write_bytes_per_s: 800 * MB });
    expect(capabilityShare(100 * MB, 600 * MB, two, MB)).toBe(0.75);
  });

  it('reaches the run window through the analyzer state (device_profiles from the host topic)', () => {
    const s = new AnalyzerState();
    s.add('device_profiles', [dev('vda', 1000 * MB, 900 * MB)]);
    s.add('process_samples', [{
      ts: 1000, host: 'h1', run_id: 'r', rank: null, local_rank: null, pid: 5, ppid: 1, start_ticks: 5, comm: 'fio', state: 'D', interval_s: 1,
      cpu_user_cores: 0.1, cpu_sys_cores: 0.1, run_delay_cores: 0, rss_bytes: 1, hwm_bytes: 1, vm_bytes: 1,
    } as unknown as Row<'process_samples'>]);
    expect(s.runs.get('r')?.window(s.hosts).hosts?.[0]?.storage).toEqual({ read_bytes_per_s: 1000 * MB, write_bytes_per_s: 900 * MB, unknown: [] });
  });
});
