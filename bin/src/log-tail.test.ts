import { describe, expect, it } from 'vitest';
import { LogTail } from './log-tail.ts';

describe('LogTail', () => {
  it('keeps the last lines with their numbers, across chunk boundaries and split UTF-8', () => {
    let t = 0;
    const tail = new LogTail(() => ++t, 3);
    tail.push('a\nb');
    tail.push(Buffer.from('c\nd\n€', 'utf8').subarray(0, 6));
    tail.push(Buffer.from('€', 'utf8').subarray(2));
    tail.push('\ne\nunterminated');
    expect(tail.end().map((l) => [l.seq, l.line])).toEqual([[3, '€'], [4, 'e'], [5, 'unterminated']]);
  });

  it('cuts long lines, keeps what a terminal shows after a carriage return, and bounds a newline-less stream', () => {
    const tail = new LogTail();
    tail.push(`${'x'.repeat(5000)}\n10%\r50%\r100%\r\n`);
    tail.push('y'.repeat(200_000));
    const lines = tail.end();
    expect(lines[0]?.line.length).toBe(1000);
    expect(lines[1]?.line).toBe('100%');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((l) => l.line.length <= 1000)).toBe(true);
  });

  it('keeps at most 200 lines of a long stream and counts the rest', () => {
    const tail = new LogTail();
    for (let i = 0; i < 1000; i++) tail.push(`line ${i}\n`);
    const lines = tail.end();
    expect(lines).toHaveLength(200);
    expect(lines[0]).toMatchObject({ seq: 800, line: 'line 800' });
    expect(lines.at(-1)).toMatchObject({ seq: 999, line: 'line 999' });
  });
});
