import type { FindingKind } from '@runlens/schemas';
import { join } from 'node:path';
import type { Scenario } from './scenario.ts';
import { runRow } from './scenario.ts';
import { GENERATORS, exited, sleep, start, throttle } from './workloads.ts';

const HOSTS = ['sim-a', 'sim-b', 'sim-c'];

/**
 * Three simulated hosts, one rank each doing the same work; from the onset, one host's
 * rank is held to 0.2 cores by a CFS quota: a slow node, with the throttling as evidence.
 */
export const slowNode: Scenario = {
  name: 'slow_node', clean: false, expect: ['slow_node'], allow: ['low_cpu_utilization'], needs: 'cgroup_quota',
  async run(stack, id) {
    const begin = Date.now();
    const cmd = 'node duty.mjs 0.5 20 (3 ranks)';
    await stack.publishRun(runRow(id, 'ranks3', cmd, 1, HOSTS, begin));
    const ranks = HOSTS.map((h, r) => ({ host: h, child: start('node', [join(GENERATORS, 'duty.mjs'), '0.5', '20'], { RANK: String(r) }) }));
    for (const r of ranks) (await stack.agent(r.host, true)).addRun({ run_id: id, root_pid: r.child.pid ?? 0 });
    await sleep(5000);
    const onset = Date.now();
    const release = throttle(ranks[2]?.child.pid ?? 0, 0.2, 'slow-node');
    await Promise.all(ranks.map((r) => exited(r.child)));
    release();
    const findings = await stack.finish(runRow(id, 'ranks3', cmd, 1, HOSTS, begin, Date.now()));
    const onsets: Partial<Record<FindingKind, number>> = { slow_node: onset };
    return { findings, onset: onsets, start: begin };
  },
};
