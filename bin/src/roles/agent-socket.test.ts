import { Agent, BatchPublisher, readHostFacts } from '@runlens/collector';
import { MemoryBus } from '@runlens/pipeline';
import { type Row, readRows, silentLogger, sleep, topicFor } from '@runlens/schemas';
import { statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callSocket } from '../local-socket.ts';
import { tempDir } from '../testing/cli-harness.ts';
import { serveAgentSocket } from './agent-socket.ts';

/** `runlens agent`'s hook socket: root-only, validated, node-bound; what it hears becomes the run row. */
const start = {
  op: 'slurm_start', node: 'n1', job_id: '42', name: 'lammps', user: 'ann', uid: 1000, account: 'phys', partition: 'batch', time_limit_s: 600,
  start_ms: null, nodes: ['n1', 'n2'], cpus_total: 4, cpus_per_node: { n1: 2, n2: 2 }, gpus_per_node: {}, mem_bytes: 2 ** 30, gpus_total: 0, command: '/home/ann/run.sh',
};

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await sleep(50);
}

describe('agent hook socket', async () => {
  const bus = new MemoryBus();
  const rows: Row<'runs'>[] = [];
  await bus.subscribe({ group: 't', topics: [topicFor('runs')], eachBatch: async (b) => { for (const m of b.messages) rows.push(...readRows(m, 'runs')); } });
  const host = { ...readHostFacts('n1'), procRoot: '/proc', sysRoot: '/sys', log: silentLogger };
  const agent = new Agent({ host, samplers: [], publisher: new BatchPublisher(bus.producer(), 'n1', 'n1'), cluster: 'c', intervalMs: 1000, log: silentLogger, slurm: { node: 'n1', scontrol: null } });
  const path = join(tempDir(), 'hooks', 'agent.sock');
  const server = serveAgentSocket(path, agent, silentLogger);
  if (server) await once(server, 'listening');
  afterAll(async () => { server?.close(); await agent.stop(); await bus.close(); });

  it('where the socket cannot be made, says so and gives none (the agent samples on)', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    expect(serveAgentSocket(join(file, 'agent.sock'), agent, silentLogger)).toBeNull();
  });

  it('is a 0600 socket in a 0700 directory', () => {
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
  });

  it('turns a prolog into the job\'s run row at the next tick, and an epilog into its end', async () => {
    expect(await callSocket(path, start, 5000)).toEqual({ accepted: true });
    await agent.tick();
    await until(() => rows.length > 0);
    expect(rows.at(-1)).toMatchObject({ run_id: 'slurm-c-42', app: 'lammps', user: 'ann', alloc_cores: 2, hosts: ['n1', 'n2'], cmd: '/home/ann/run.sh', status: 'running' });
    await callSocket(path, { op: 'slurm_end', node: 'n1', job_id: '42', state: 'OUT_OF_MEMORY', exit_code: 253, end_ms: Date.now() }, 5000);
    await agent.tick();
    await until(() => rows.at(-1)?.status === 'failed');
    expect(rows.at(-1)).toMatchObject({ run_id: 'slurm-c-42', status: 'failed', exit_code: 253 });
    expect(rows.at(-1)?.tags).toContain('slurm_state=OUT_OF_MEMORY');
  });

  it('refuses another node\'s job and anything the schema does not allow', async () => {
    expect(await callSocket(path, { ...start, node: 'n2', job_id: '43' }, 5000)).toMatchObject({ accepted: false });
    await expect(callSocket(path, { ...start, job_id: '44', user: 'x'.repeat(100) }, 5000)).rejects.toThrow(/bad request/);
    await expect(callSocket(path, { op: 'register' }, 5000)).rejects.toThrow(/bad request/);
    await agent.tick();
    await sleep(200);
    expect(rows.filter((r) => r.run_id !== 'slurm-c-42')).toEqual([]);
  });
});
