import { buildReport, renderHtml, renderText } from '@runlens/analyzer';
import { openChdbStore } from '@runlens/pipeline';
import type { EmbeddedConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';

/** `runlens report RUN_ID [--json|--html|--md]` from the embedded store. */
export async function reportCommand(argv: readonly string[], cfg: EmbeddedConfig): Promise<number> {
  const runId = argv.find((a) => !a.startsWith('--'));
  const format = argv.includes('--json') ? 'json' : argv.includes('--html') ? 'html' : 'text';
  if (!runId) {
    process.stderr.write('usage: runlens report RUN_ID [--json|--html|--md]\n');
    return 2;
  }
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  if (owner !== null) {
    process.stderr.write(`runlens up (pid ${owner}) owns ${cfg.dataDir}: ask its API instead: GET /api/runs/${runId}/report\n`);
    return 1;
  }
  const store = await openChdbStore({ path: paths.store });
  try {
    const report = await buildReport(store, runId);
    if (!report) {
      process.stderr.write(`no run ${runId}\n`);
      return 1;
    }
    process.stdout.write(format === 'json' ? JSON.stringify(report, null, 2) : format === 'html' ? renderHtml(report) : renderText(report));
    process.stdout.write('\n');
    return 0;
  } finally {
    await store.close();
    releaseOwnership(paths);
  }
}
