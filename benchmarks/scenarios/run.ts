/**
 * The labelled scenario suite: every scenario's workload runs for real through the embedded
 * stack; the analyzer's findings are scored against the ground truth.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/scenarios/run.ts [name ...]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS } from './catalog.ts';
import { MORE_SCENARIOS } from './catalog-more.ts';
import { ScenarioStack } from './harness.ts';
import { regressionScenario } from './regression.ts';
import { type ScenarioScore, renderTable, scoreScenario } from './score.ts';
import { canThrottle, killAll } from './workloads.ts';

async function main(names: readonly string[]): Promise<void> {
  const stack = await ScenarioStack.open(join(mkdtempSync(join(tmpdir(), 'runlens-scenarios-')), 'store'), undefined, join(tmpdir(), 'runlens-scenarios-device-capability.json'));
  const throttling = canThrottle();
  const scores: ScenarioScore[] = [];
  try {
    for (const s of [...SCENARIOS, ...MORE_SCENARIOS].filter((x) => names.length === 0 || names.includes(x.name))) {
      if (s.needs === 'cgroup_quota' && !throttling) {
        process.stderr.write(`skip ${s.name}: no writable cgroup v1 cpu controller\n`);
        continue;
      }
      process.stderr.write(`running ${s.name} ...\n`);
      const id = `scn-${s.name}-${Date.now().toString(36)}`;
      const o = await s.run(stack, id);
      const score = scoreScenario(s, id, o, stack.seen);
      scores.push(score);
      process.stderr.write(`  found ${score.found.join(',') || '-'}; missed ${score.missed.join(',') || '-'}; false alarms ${score.falseAlarms.join(',') || '-'}; flapped ${score.flapped.join(',') || '-'}\n`);
    }
    const wanted = names.length === 0 || names.includes('regression');
    let regression = !wanted ? 'not selected' : 'skipped (no writable cgroup v1 cpu controller)';
    if (throttling && wanted) {
      process.stderr.write('running regression (6 runs) ...\n');
      const r = await regressionScenario(stack, `scn-reg-${Date.now().toString(36)}`);
      regression = `baseline walls ${r.baselineWallS.map((w) => w.toFixed(1)).join(', ')} s; throttled run ${r.slowWallS.toFixed(1)} s; ` +
        (r.finding ? `regression found, cause ${String(r.finding.evidence.cause)}: ${r.finding.message}` : 'NO regression finding');
    }
    const table = `${renderTable(scores)}\n\nregression: ${regression}`;
    process.stdout.write(`${table}\n`);
    writeFileSync(join(import.meta.dirname, 'results.md'), `${table}\n`);
  } finally {
    killAll();
    await stack.close();
  }
}

main(process.argv.slice(2)).then(() => process.exit(0), (e: unknown) => {
  killAll();
  process.stderr.write(`${String(e instanceof Error ? e.stack : e)}\n`);
  process.exit(1);
});
