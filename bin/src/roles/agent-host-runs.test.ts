import { Agent, BatchPublisher, readHostFacts } from '@runlens/collector';
import { catalogRow } from '@runlens/pipeline/testing/catalog-row';
import { nodeSampleRow } from '@runlens/pipeline/testing/node-sample-row';
import { type BusMessage, MemoryBus } from '@runlens/pipeline';
import { HOST_RUNS_HEADER, type Row, SELF_RUN_ID, silentLogger, sleep, topicFor } from '@runlens/schemas';
import { afterAll, describe, expect, it } from 'vitest';

/** The agent names the runs on its host on the node rows of the same tick, from that tick's process rows. */
describe('agent host_runs header', async () => {
  const bus = new MemoryBus();
  const got: BusMessage[] = [];
  await bus.subscribe({ group: 't', topics: [topicFor('node_samples'), topicFor('process_samples')], eachBatch: async (b) => { got.push(...b.messages); } });
  let runs: string[] = ['job-b', 'job-a', ''];
  const proc = (run: string, pid: number): Row<'process_samples'> => catalogRow('process_samples', { ts: Date.now(), host: 'n1', run_id: run, pid, comm: 'x', state: 'R', interval_s: 1 });
  // Samplers that hand the agent the rows a tick found: what the agent does with them is under test.
  const samplers = [
    { id: 'process' as const, instance: { sample: () => ({ process_samples: [...runs.map(proc), proc(SELF_RUN_ID, 99)] }), close: () => {} } },
    { id: 'node' as const, instance: { sample: () => ({ node_samples: [nodeSampleRow('n1', 0)] }), close: () => {} } },
  ];
  const host = { ...readHostFacts('n1'), procRoot: '/proc', sysRoot: '/sys', log: silentLogger };
  const agent = new Agent({ host, samplers, publisher: new BatchPublisher(bus.producer(), 'n1', 'n1'), cluster: 'c', intervalMs: 1000, log: silentLogger, slurm: { node: 'n1', scontrol: null } });
  afterAll(async () => { await agent.stop(); await bus.close(); });
  const nodeHeader = async (): Promise<string | undefined> => {
    got.length = 0;
    await agent.tick();
    for (let i = 0; i < 100 && got.length < 2; i++) await sleep(10);
    expect(got.find((m) => m.headers.table === 'process_samples')?.headers[HOST_RUNS_HEADER]).toBeUndefined();
    return got.find((m) => m.headers.table === 'node_samples')?.headers[HOST_RUNS_HEADER];
  };

  it('lists the runs of the tick, and none for a host whose processes belong to no run', async () => {
    expect(await nodeHeader()).toBe('job-a,job-b');
    runs = [''];
    expect(await nodeHeader()).toBe('');
  });
});
