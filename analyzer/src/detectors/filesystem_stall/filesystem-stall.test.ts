import { describe, expect, it } from 'vitest';
import { eventRows, eventWindow } from '../testdata/node-events.ts';
import { filesystemStall } from './index.ts';

const documented = eventRows('filesystem_stall', 'documented-nfs-lustre.rows.json');
const open = eventRows('filesystem_stall', 'journal-nfs-timeout.rows.json');
const NFS_DOWN = 1_795_086_407_000;

describe('filesystem_stall', () => {
  it('reports the NFS server (30 s, not responding → OK) and the Lustre target (1 s) on a run live on the host, with no pid needed', () => {
    const found = filesystemStall.evaluate(eventWindow({ events: documented, from: NFS_DOWN - 10_000, to: NFS_DOWN + 60_000 }));
    expect(found.map((f) => [f.scope, f.scope_id, f.severity, f.evidence.stalled_s, f.evidence.still_stalled, f.evidence.fs])).toEqual([
      ['host', 'fs01.cluster', 'warning', 30, false, 'nfs'],
      ['host', 'scratch-OST0003', 'warning', 1, false, 'lustre'],
    ]);
    expect([found[0]?.start_ts, found[0]?.end_ts]).toEqual([NFS_DOWN, NFS_DOWN + 30_000]);
    expect(found[0]?.advice).toMatch(/NFS server fs01\.cluster.*rpcinfo -p fs01\.cluster/);
    expect(found[1]?.advice).toContain('lfs check servers');
  });

  it('counts a stall that began before the run, and one still open at the run\'s end as critical', () => {
    const before = filesystemStall.evaluate(eventWindow({ events: documented, from: NFS_DOWN + 20_000, to: NFS_DOWN + 25_000 }));
    expect(before.map((f) => f.scope_id)).toEqual(['fs01.cluster']);
    const ts = open[0]?.ts ?? 0;
    const [still] = filesystemStall.evaluate(eventWindow({ events: open, from: ts - 5000, to: ts + 90_000 }));
    expect(still).toMatchObject({ severity: 'critical', scope_id: 'fs01', end_ts: ts + 90_000 });
    expect(still?.evidence).toMatchObject({ stalled_s: 90, still_stalled: true });
  });

  it('is silent for stalls that ended before the run or began after it', () => {
    expect(filesystemStall.evaluate(eventWindow({ events: documented, from: NFS_DOWN + 40_000, to: NFS_DOWN + 50_000 }))).toEqual([]);
    expect(filesystemStall.evaluate(eventWindow({ events: documented, from: NFS_DOWN - 60_000, to: NFS_DOWN - 30_000 }))).toEqual([]);
  });
});
