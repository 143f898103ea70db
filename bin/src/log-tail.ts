import { RUN_LOG_LINE_MAX_CHARS, RUN_LOG_TAIL_LINES, type Row } from '@runlens/schemas';
import { StringDecoder } from 'node:string_decoder';

export interface TailLine { readonly ts: number; readonly seq: number; readonly line: string }

/** A partial line longer than this is cut and counted as a line (a progress bar that never writes a newline). */
const PARTIAL_MAX_CHARS = 64 * 1024;

/**
 * The last `RUN_LOG_TAIL_LINES` lines of a byte stream, each stamped with the time it arrived.
 * Bounded in memory whatever the stream writes; `seq` counts every line, kept or not.
 * A carriage return keeps what a terminal would show: the text after the last one.
 */
export class LogTail {
  private readonly lines: TailLine[] = [];
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private seq = 0;

  constructor(private readonly now: () => number = Date.now, private readonly max = RUN_LOG_TAIL_LINES) {}

  push(chunk: Buffer | string): void {
    const parts = (this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk))).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.keep(p);
    if (this.partial.length > PARTIAL_MAX_CHARS) {
      this.keep(this.partial);
      this.partial = '';
    }
  }

  /** The kept lines, the unterminated last one included. */
  end(): TailLine[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.keep(rest);
    return [...this.lines];
  }

  private keep(raw: string): void {
    const shown = raw.slice(raw.lastIndexOf('\r', raw.length - 2) + 1).replace(/\r$/, '');
    this.lines.push({ ts: this.now(), seq: this.seq++, line: shown.slice(0, RUN_LOG_LINE_MAX_CHARS) });
    if (this.lines.length > this.max) this.lines.shift();
  }
}

/** The kept lines as run_logs rows (bounded again: they may come over the socket). */
export function runLogRows(runId: string, host: string, stream: 'stderr' | 'stdout', lines: readonly TailLine[] | undefined): Row<'run_logs'>[] {
  return (lines ?? []).slice(-RUN_LOG_TAIL_LINES).map((l) => ({ ts: l.ts, host, run_id: runId, stream, seq: l.seq, line: l.line.slice(0, RUN_LOG_LINE_MAX_CHARS) }));
}
