import { otelcolBinary } from '@runlens/pipeline/testing/otelcol';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR } from './write-docs.ts';

/** The configurations docs/interop.md shows are accepted by the tools they are for. */
const dir = mkdtempSync(join(tmpdir(), 'runlens-docs-'));

/** The yaml block after the `<!-- tested: TAG ... -->` comment. */
function block(tag: string): string {
  const md = readFileSync(join(DOCS_DIR, 'interop.md'), 'utf8');
  const m = new RegExp(`<!-- tested: ${tag}[^>]*-->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(md);
  if (!m?.[1]) throw new Error(`no block tagged ${tag} in docs/interop.md`);
  return m[1];
}

const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
const collector = otelcolBinary();

describe('docs/interop.md configurations', () => {
  it.runIf(promtool !== '')('the Prometheus scrape configuration passes promtool check config', () => {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, block('promtool check config'));
    const r = spawnSync(promtool, ['check', 'config', file], { encoding: 'utf8' });
    expect({ code: r.status, out: r.stdout + r.stderr }).toMatchObject({ code: 0 });
  });

  it.runIf(!('skip' in collector))('the collector configuration passes otelcol validate', () => {
    const file = join(dir, 'otelcol.yaml');
    writeFileSync(file, block('otelcol validate').replace('/var/lib/otelcol/runlens.jsonl', join(dir, 'runlens.jsonl')));
    const r = spawnSync((collector as { bin: string }).bin, ['validate', '--config', file], { encoding: 'utf8' });
    expect({ code: r.status, out: r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
  }, 1_600_000);
});
