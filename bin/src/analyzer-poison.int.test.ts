import { AnalyzerService, ROUTE_GROUP } from '@runlens/analyzer';
import { type BusMessage, MemoryBus, openChdbStore } from '@runlens/pipeline';
import { DEAD_LETTER_TOPIC, MessageEncoder, type Row, silentLogger, topicFor } from '@runlens/schemas';
import { lyingBatch } from '@runlens/schemas/wire/testdata-poison';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const NOW = Date.now();
const run = (): Row<'runs'> => ({
  run_id: 'r-poison', app: 'a', user: 'u', cluster: 'c', job_id: '', sluid: '', step: '', cmd: 'a', status: 'running', start_ts: NOW,
  end_ts: null, updated_ts: NOW, exit_code: null, hosts: ['h1'], ranks: 1, alloc_cores: 1, alloc_gpus: 0, tags: [],
  cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
});

/** A poison message on a sample topic: the analyzer sets it aside with a reason and keeps consuming. */
describe('analyzer consumer and poison messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-poison-'));
  const bus = new MemoryBus(2);
  afterAll(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dead-letters a batch claiming 50 M rows and still reads the valid message behind it', async () => {
    const store = await openChdbStore({ path: join(dir, 'chdb'), database: 'poison' });
    const analyzer = new AnalyzerService({ bus, store, log: silentLogger, agentId: 'analyzer-test', evalIntervalMs: 60_000 });
    await analyzer.start();
    const dead: BusMessage[] = [];
    await bus.subscribe({ group: 'dlq-reader', topics: [DEAD_LETTER_TOPIC], eachBatch: async (b) => { dead.push(...b.messages); } });
    const enc = new MessageEncoder('agent-1');
    const poison = enc.encode('runs', [run()], 'h1');
    await bus.producer().send(poison.topic, [{ ...poison, value: lyingBatch('runs', 50_000_000) }, enc.encode('runs', [run()], 'h1')]);
    for (let i = 0; i < 500 && (dead.length === 0 || !analyzer.state.runs.has('r-poison')); i++) await new Promise((r) => setTimeout(r, 20));
    await analyzer.stop();
    await store.close();
    expect(dead.map((m) => [m.headers.reason, m.headers.source_group, m.headers.source_topic])).toEqual([['out_of_bounds', ROUTE_GROUP, topicFor('runs')]]);
    expect(analyzer.counters.received).toBe(1);
    expect(Object.fromEntries(analyzer.counters.discarded)).toEqual({ 'dead_letter:out_of_bounds': 1 });
    expect(analyzer.state.runs.has('r-poison')).toBe(true);
  });
});
