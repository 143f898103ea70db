import { mkdtempSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES, MAX_NAMES_PER_RUN, MAX_POINTS_PER_RUN, MetricRecorder, type MetricSpec, parseMetricSpec, parseMetricValue } from './app-metrics.ts';
import { MetricFileTail } from './metric-file.ts';

const spec = (s: string): MetricSpec => {
  const p = parseMetricSpec(s);
  if (typeof p === 'string') throw new Error(p);
  return p;
};

describe('parseMetricValue', () => {
  it.each([['12.5', 12.5], [' 1e3 ', 1000], ['1,234.5', 1234.5], ['-3', -3], ['.5', 0.5]])('%s is %d', (t, v) => expect(parseMetricValue(t)).toBe(v));
  it.each(['', 'abc', '1.2.3', 'NaN', 'Infinity', '12 it', '0x10'])('"%s" is no number', (t) => expect(parseMetricValue(t)).toBeNull());
});

describe('MetricRecorder', () => {
  it('reads the first group of each matching output line (tqdm, LAMMPS, GROMACS styles) and counts the matches that are no number', () => {
    const rec = new MetricRecorder('r1', 'h', [spec('it/s=([0-9.,]+)it/s'), spec('ns/day=Performance:\\s+(\\S+)')], () => 7);
    for (const l of ['epoch 1:  50%|#####     | 5/10 [00:01<00:01, 3.21it/s]', 'no metric here', 'Performance:      41.2  0.58', 'Performance:  n/a']) rec.outputLine(l);
    expect(rec.take()).toEqual([
      { ts: 7, run_id: 'r1', host: 'h', name: 'it/s', seq: 0, value: 3.21, source: 'output' },
      { ts: 7, run_id: 'r1', host: 'h', name: 'ns/day', seq: 0, value: 41.2, source: 'output' },
    ]);
    expect(rec.counts).toEqual({ points: 2, bad_lines: 1, dropped: 0 });
    expect(rec.take()).toEqual([]);
  });

  it('reads `name value` file lines, skips blanks and comments, counts malformed ones', () => {
    const rec = new MetricRecorder('r1', 'h', []);
    for (const l of ['steps/s 10', 'steps/s 12', '', '# a comment', 'steps/s', 'bad name 3', '9x 1', 'x 1 2', 'x nan']) rec.fileLine(l);
    expect(rec.take().map((r) => [r.name, r.seq, r.value, r.source])).toEqual([['steps/s', 0, 10, 'file'], ['steps/s', 1, 12, 'file']]);
    expect(rec.counts.bad_lines).toBe(5);
  });

  it('bounds the points and names of a run: the rest is counted as dropped', () => {
    const rec = new MetricRecorder('r1', 'h', []);
    for (let i = 0; i < MAX_NAMES_PER_RUN + 3; i++) rec.fileLine(`m${i} 1`);
    expect(rec.counts).toMatchObject({ points: MAX_NAMES_PER_RUN, dropped: 3 });
    for (let i = 0; i < MAX_POINTS_PER_RUN; i++) rec.fileLine('m0 1');
    expect(rec.counts.points).toBe(MAX_POINTS_PER_RUN);
    expect(rec.counts.dropped).toBe(3 + MAX_NAMES_PER_RUN);
  });
});

describe('LineSplitter', () => {
  it('splits at \\n and \\r across chunks, and cuts a line that never ends', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('a 1\r\nb ');
    s.push('2\rc 3');
    s.push(Buffer.from('\nx'.padEnd(MAX_LINE_BYTES + 10, 'y')));
    s.push('zz\nlast');
    s.end();
    expect(lines.slice(0, 3)).toEqual(['a 1', 'b 2', 'c 3']);
    expect(lines[3]?.length).toBe(MAX_LINE_BYTES);
    expect(lines.slice(4)).toEqual(['last']);
  });
});

describe('MetricFileTail', () => {
  it('reads what was appended since the last poll, a last line without newline at the end, and nothing from a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-metric-'));
    const rec = new MetricRecorder('r1', 'h', []);
    const tail = new MetricFileTail(join(dir, 'm'), rec);
    tail.poll();
    writeFileSync(join(dir, 'm'), 'a 1\na 2\na ');
    tail.poll();
    expect(rec.take().map((r) => r.value)).toEqual([1, 2]);
    appendFileSync(join(dir, 'm'), '3\na 4');
    tail.finish();
    expect(rec.take().map((r) => r.value)).toEqual([3, 4]);
  });
});
