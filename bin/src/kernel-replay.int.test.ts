import { KernelEventParser } from '@runlens/collector/samplers/kernel_events/parser';
import { kmsgRecords } from '@runlens/collector/samplers/kernel_events/golden';
import { parseKmsgRecord } from '@runlens/collector/samplers/kernel_events/record';
import { type RunReport, causeEvents, createLogger, runsLiveOn, runsOfPids, sleep } from '@runlens/schemas';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRow } from './commands/run.ts';
import { loadConfig } from './config.ts';
import { type EmbeddedStack, finishRun, openEmbeddedStack } from './embedded-stack.ts';
import type { RunMeta } from './run-registry.ts';
import { tempDir } from './testing/cli-harness.ts';

/*
 * Issue 12 item 3: golden kernel lines through the real path: the agent's KernelEventParser →
 * publisher → in-memory bus → ingest → chDB → the analyzer's run-end evaluation → the report,
 * on a run whose process is real and sampled. The lines are the documented (not captured) ones
 * of collector/src/samplers/kernel_events/testdata/documented.kmsg: their README names the
 * kernel or driver source each shape comes from. Two edits, so they name this run: the XID's and
 * the hung task's pid and name are the run's process; every stamp is re-based to now.
 */
const DOCUMENTED = fileURLToPath(new URL('../../collector/src/samplers/kernel_events/testdata/documented.kmsg', import.meta.url));
/** kmsg sequence numbers of the lines replayed, and their offset in ms from the replay's start. */
const REPLAYED: readonly [number, number][] = [
  [1002, 0], // INFO: task kworker/u64:2:512 blocked for more than 122 seconds.
  [1005, 200], [1006, 300], // mce: [Hardware Error]: … Machine Check Exception
  [1007, 400], [1008, 500], // EDAC MC0: 1 CE … / EDAC MC1: 1 UE …
  [1009, 600], // NVRM: Xid (PCI:0000:3b:00): 79, pid=…, GPU has fallen off the bus.
  [1013, 700], [1014, 1200], // mlx5_core … ens1f0np0: Link down / Link up
  [1019, 800], [1020, 2800], // nfs: server fs01.cluster not responding, still trying / OK
];

function replayLines(pid: number, monoNowMs: number): string[] {
  const bySeq = new Map(kmsgRecords(readFileSync(DOCUMENTED, 'utf8')).map((r) => [Number(r.split(',')[1]), r]));
  return REPLAYED.map(([seq, offsetMs]) => {
    const rec = bySeq.get(seq);
    if (!rec) throw new Error(`no line ${seq} in documented.kmsg`);
    const [prefix, ...text] = rec.split(';');
    const [pri, s] = (prefix ?? '').split(',');
    const body = text.join(';').replace('kworker/u64:2:512', `sleep:${pid}`).replace('pid=48213, name=python', `pid=${pid}, name=sleep`);
    return `${pri},${s},${(monoNowMs + offsetMs) * 1000},-;${body}`;
  });
}

describe('golden kernel lines replayed through the real agent parser, bus, ingest, store and analyzer', () => {
  const dir = tempDir('runlens-replay-');
  // Every sampler but the live kernel log: the replay is this host's only kernel source, so other tests' real events stay out.
  const cfg = loadConfig({ RUNLENS_DATA_DIR: dir, RUNLENS_HOST: `replay-${process.pid}`, RUNLENS_LOG_LEVEL: 'error', RUNLENS_SAMPLERS: 'process,node,cgroup,node_profile' });
  let stack: EmbeddedStack;
  let proc: ChildProcess;
  let report: RunReport;
  let pid = 0;
  let replayedAt = 0;

  beforeAll(async () => {
    stack = await openEmbeddedStack(cfg, join(dir, 'store'), createLogger('error'));
    proc = spawn('sleep', ['120'], { stdio: 'ignore' });
    pid = proc.pid ?? 0;
    const meta: RunMeta = { run_id: `replay-${pid}`, app: 'replay', user: 'ann', cmd: 'sleep 120', alloc_cores: 1, start_ts: Date.now(), job_id: '' };
    await stack.agent.tick();
    stack.agent.addRun({ run_id: meta.run_id, root_pid: pid });
    await stack.publisher.publish('runs', [runRow(meta, cfg.host, cfg.cluster)]);
    stack.agent.start();
    await sleep(3000); // the process is sampled as the run's: pid attribution needs that
    const monoNowMs = Number(process.hrtime.bigint() / 1_000_000n);
    replayedAt = Date.now();
    const parser = new KernelEventParser(cfg.host, replayedAt - monoNowMs);
    const rows = replayLines(pid, monoNowMs).map((l) => parseKmsgRecord(l, 1024)).flatMap((r) => (r ? [parser.push(r)] : []));
    await stack.publisher.publish('node_events', rows.filter((r) => r !== null));
    await sleep(4000);
    report = await finishRun(stack, runRow(meta, cfg.host, cfg.cluster, { exit_code: 0, end_ts: Date.now(), totals: null }));
  }, 120_000);

  afterAll(async () => {
    proc?.kill('SIGKILL');
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives hardware_fault for the XID, the MCE, the EDAC errors and the link flap, filesystem_stall for NFS and a hung-task idle on the run\'s pid', () => {
    const f = report.findings;
    const hw = f.filter((x) => x.kind === 'hardware_fault');
    expect(hw.find((x) => x.scope === 'gpu')).toMatchObject({ scope_id: '0000:3b:00', severity: 'critical', evidence: expect.objectContaining({ xid: 79, pids: String(pid) }) });
    // The summary line names no CPU, the exception names CPU 3: one finding each, the exception critical.
    expect(hw.filter((x) => x.evidence.source === 'mce').map((x) => [x.scope_id, x.severity]).sort()).toEqual([['', 'warning'], ['cpu3', 'critical']]);
    expect(hw.filter((x) => x.evidence.source === 'edac').map((x) => x.scope_id).sort()).toEqual(['MC0', 'MC1']);
    expect(hw.find((x) => x.scope === 'port')).toMatchObject({ scope_id: 'ens1f0np0', severity: 'warning', evidence: expect.objectContaining({ downs: 1, came_back: true }) });
    const stall = f.find((x) => x.kind === 'filesystem_stall');
    expect(stall).toMatchObject({ scope_id: 'fs01.cluster', severity: 'warning' });
    expect(stall?.evidence.stalled_s).toBeCloseTo(2, 1);
    expect(f.find((x) => x.kind === 'idle' && x.scope === 'pid')).toMatchObject({ scope_id: String(pid), evidence: expect.objectContaining({ blocked_s: 122, source: 'hung_task' }) });
  });

  it('puts every replayed event in the report, linked to the finding it caused', () => {
    const links = new Map((report.events ?? []).map((e) => [`${e.kind}|${e.device}`, e.findings]));
    expect(links.get('gpu_xid|0000:3b:00')).toEqual(['hardware_fault']);
    expect(links.get('link_down|ens1f0np0')).toEqual(['hardware_fault']);
    expect(links.get('fs_not_responding|fs01.cluster')).toEqual(['filesystem_stall']);
    expect(links.get('fs_ok|fs01.cluster')).toEqual(['filesystem_stall']);
    expect(links.get('hung_task|')).toEqual(['idle']);
    expect(report.run.ending).toMatchObject({ how: 'exited' });
  });

  it('feeds the ops page: the events are causes, and the run is the one they touched (by pid and by host while live)', async () => {
    const causes = await causeEvents(stack.store, replayedAt - 60_000);
    expect(causes.filter((e) => e.host === cfg.host).map((e) => e.kind).sort()).toEqual(
      ['edac', 'edac', 'fs_not_responding', 'gpu_xid', 'hung_task', 'link_down', 'mce', 'mce'],
    );
    const live = await runsLiveOn(stack.store, [cfg.host], replayedAt, replayedAt + 3000);
    expect(live.map((r) => r.run_id)).toEqual([`replay-${pid}`]);
    expect((await runsOfPids(stack.store, cfg.host, [pid], replayedAt - 10_000, replayedAt + 5000)).map((r) => r.run_id)).toEqual([`replay-${pid}`]);
  });
});
