import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without types
import { checkFile, checkRepo } from './lint.mjs';
// @ts-expect-error: plain ESM script without types
import { catalogShapes, checkAst } from './lint-ast.mjs';

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
    expect(checkFile('dashboard/src/charts/x.ts', "import * as echarts from 'echarts/core';")).toHaveLength(1);
    expect(checkFile('analyzer/src/report/x.ts', "import { SVGRenderer } from 'echarts/renderers';")).toHaveLength(1);
    expect(checkFile('analyzer/src/charts/x.ts', "import type { EChartsOption } from 'echarts';")).toEqual([]);
    expect(checkFile('analyzer/src/charts/ssr.ts', "import * as echarts from 'echarts/core';")).toEqual([]);
    expect(checkFile('dashboard/src/components/chart.tsx', "import * as echarts from 'echarts/core';")).toEqual([]);
    expect(checkFile('collector/src/big.ts', 'x\n'.repeat(400))).toHaveLength(1);
  });

  it('catches a long function, SQL outside the read module, a repeated row shape and an escaping import', () => {
    const shapes = catalogShapes(root);
    const fn = (statements: number): string => `export function f(): number {\n${'  let x = 1;\n'.repeat(statements)}  return 1;\n}\n`;
    expect(checkAst('analyzer/src/x.ts', fn(58), shapes)).toEqual([expect.stringMatching(/function f has 61 lines \(max 60\)/)]);
    expect(checkAst('analyzer/src/x.ts', fn(57), shapes)).toEqual([]);
    expect(checkAst('dashboard/src/x.ts', 'const q = `SELECT run_id FROM runs WHERE user = {u:String}`;', shapes)).toHaveLength(1);
    expect(checkAst('schemas/src/repositories/runs.ts', 'const q = `SELECT run_id FROM runs`;', shapes)).toEqual([]);
    expect(checkAst('dashboard/src/x.ts', "const label = 'select a run from the list';", shapes)).toEqual([]);
    const runsShape = 'interface R { run_id: string; app: string; user: string; cluster: string; job_id: string; sluid: string; step: string; cmd: string; status: string; start_ts: number; end_ts: number; updated_ts: number; exit_code: number; hosts: string[]; ranks: number; alloc_cores: number; alloc_gpus: number; tags: string[] }';
    expect(checkAst('web/src/x.ts', runsShape, shapes)).toEqual([expect.stringMatching(/catalog table runs/)]);
    expect(checkFile('dashboard/src/x.ts', "import { x } from '../../schemas/src/index.ts';")).toEqual([expect.stringMatching(/leaves package dashboard/)]);
    expect(checkFile('dashboard/src/a/x.ts', "import { x } from '../b/y.ts';")).toEqual([]);
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
