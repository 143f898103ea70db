import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from './markdown-lite.ts';

describe('readmeBlocks', () => {
  it('reads paragraphs, lists with continuation lines and code spans, and leaves out testdata notes', () => {
    const md = '# k\n\nOne host is slow: `warning`,\nor `critical`.\n\n- Reads `hosts[]`:\n  per host.\n- Fires.\nAfter.\n\n## testdata\n\n- golden\n';
    expect(readmeBlocks(md)).toEqual([
      { kind: 'paragraph', text: [{ code: false, text: 'One host is slow: ' }, { code: true, text: 'warning' }, { code: false, text: ', or ' }, { code: true, text: 'critical' }, { code: false, text: '.' }] },
      { kind: 'list', items: [[{ code: false, text: 'Reads ' }, { code: true, text: 'hosts[]' }, { code: false, text: ': per host.' }], [{ code: false, text: 'Fires.' }]] },
      { kind: 'paragraph', text: [{ code: false, text: 'After.' }] },
    ]);
  });

  it('keeps the meaning and the caveats of a real detector README', () => {
    const blocks = readmeBlocks(readFileSync(new URL('../../../analyzer/src/detectors/slow_node/README.md', import.meta.url), 'utf8'));
    const text = JSON.stringify(blocks);
    expect(blocks[0]?.kind).toBe('paragraph');
    expect(text).toContain('progresses well below its peers');
    expect(text).toContain('Caveats');
    expect(text).not.toContain('HAND-MADE');
  });
});
