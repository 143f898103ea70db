import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without types
import { checkFile, checkRepo } from './lint.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('house rules', () => {
  it('the repository keeps its import boundaries and file sizes', () => {
    expect(checkRepo(root)).toEqual([]);
  });

  it('catches a heavy dependency or a backwards import where it does not belong', () => {
    expect(checkFile('collector/src/x.ts', "import { Session } from 'chdb';")).toHaveLength(1);
    expect(checkFile('analyzer/src/x.ts', "import { Kafka } from 'kafkajs';")).toHaveLength(1);
    expect(checkFile('schemas/src/x.ts', "import { Agent } from '@runlens/collector';")).toHaveLength(1);
    expect(checkFile('collector/src/x.ts', "import { MemoryBus } from '@runlens/pipeline';")).toHaveLength(1);
    expect(checkFile('collector/src/x.ts', "import type { Bus } from '@runlens/pipeline';")).toEqual([]);
    expect(checkFile('pipeline/src/store/chdb/index.ts', "import { Session } from 'chdb';")).toEqual([]);
    expect(checkFile('collector/src/big.ts', 'x\n'.repeat(400))).toHaveLength(1);
  });

  it('the agent never loads chDB', () => {
    const script = `
      await import('@runlens/collector');
      await import('@runlens/pipeline');
      const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
      console.log(JSON.stringify({ chdb: maps.includes('libchdb'), rss: process.memoryUsage().rss }));`;
    const out = execFileSync('node', ['--import', join(root, 'node_modules/tsx/dist/loader.mjs'), '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { chdb: boolean; rss: number };
    expect(r.chdb).toBe(false);
    expect(r.rss).toBeLessThan(150 * 1024 * 1024);
  });
});
