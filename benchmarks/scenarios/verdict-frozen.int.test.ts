import { buildReport } from '@runlens/analyzer';
import type { Finding } from '@runlens/schemas';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioStack } from './harness.ts';
import { runRow } from './scenario.ts';
import { GENERATORS, exited, killAll, sleep, start } from './workloads.ts';

const brief = (fs: readonly Finding[] | undefined): string[] => (fs ?? []).map((f) => `${f.finding_id} ${f.severity} ${f.message}`).sort();

/**
 * Issue 10 item 5: the verdict is frozen at the run's end. A process of the run outlives the
 * run's end, is sampled under the run again and then stopped, and the run's row arrives once more
 * (as a late accounting update would): the report read afterwards gives the same verdict, and
 * shows the late `idle` apart.
 */
describe('a run report does not change after the fact', () => {
  let stack: ScenarioStack;
  beforeAll(async () => {
    stack = await ScenarioStack.open(join(mkdtempSync(join(tmpdir(), 'runlens-frozen-')), 'store'));
  });
  afterAll(async () => {
    killAll();
    await stack?.close();
  });

  it('late data for a finished run is shown apart as after_end, never merged into its verdict', async () => {
    const id = `frozen-${Date.now().toString(36)}`;
    const host = hostname();
    const agent = await stack.agent(host, false);
    const t0 = Date.now();
    await stack.publishRun(runRow(id, 'frozen', 'node duty.mjs 0.3 120', 1, [host], t0));
    const c = start('node', [join(GENERATORS, 'duty.mjs'), '0.3', '120']);
    try {
      agent.addRun({ run_id: id, root_pid: c.pid ?? 0 });
      await sleep(6000);
      const end = Date.now();
      await stack.finish(runRow(id, 'frozen', 'node duty.mjs 0.3 120', 1, [host], t0, end));
      const atEnd = await buildReport(stack.store, id);
      expect(atEnd?.findings.map((f) => f.kind)).not.toContain('idle');

      // The run's process lives on past the end, is sampled under the run again, and hangs.
      agent.addRun({ run_id: id, root_pid: c.pid ?? 0 });
      await sleep(2000);
      c.kill('SIGSTOP');
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !stack.seen.some((s) => s.run_id === id && s.kind === 'idle')) await sleep(200);
      expect(stack.seen.some((s) => s.run_id === id && s.kind === 'idle')).toBe(true);
      agent.removeRun(id);
      await stack.publishRun(runRow(id, 'frozen', 'node duty.mjs 0.3 120', 1, [host], t0, end));
      // Settle (1.5 s) and the analyzer's final pass over the late state; then everything stored.
      await sleep(4000);
      for (let i = 0; i < 500 && (await stack.ingest.lag()) > 0; i++) await sleep(20);

      const later = await buildReport(stack.store, id);
      expect(brief(later?.findings)).toEqual(brief(atEnd?.findings));
      expect(later?.findings_after_end?.map((f) => f.kind)).toContain('idle');
      expect(later?.findings_after_end?.every((f) => f.after_end === 1 && f.finding_id.endsWith(':after_end'))).toBe(true);
    } finally {
      c.kill('SIGKILL');
      await exited(c);
    }
  }, 180_000);
});
