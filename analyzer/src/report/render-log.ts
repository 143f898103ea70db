import type { RunReport } from '@runlens/schemas';
import { seconds } from './format.ts';

/** Lines of the log tail the terminal report repeats: the terminal already showed them all. */
export const TEXT_LOG_LINES = 10;

/** "+12.3 s" from the run's start: where a log line or event sits on the run's timeline. */
export function offsetText(r: RunReport, ts: number): string {
  return `+${seconds(Math.max(0, (ts - r.run.start_ts) / 1000))}`;
}

/** The end of the run in one line, where the report knows it. */
export function endingLines(r: RunReport): string[] {
  const e = r.run.ending;
  return e ? [`  ended        ${e.detail}${e.source === 'exit_code' || e.how === 'running' ? '' : `  (from ${e.source.replace(/_/g, ' ')})`}`] : [];
}

/** Node events on the run's hosts during the run, and the last stderr lines, each placed on the timeline with the findings near it. */
export function logAndEventLines(r: RunReport): string[] {
  const out: string[] = [];
  const events = r.events ?? [];
  if (events.length > 0) {
    out.push('', '  node events  (kernel log of the run\'s hosts while it ran)');
    for (const e of events.slice(-TEXT_LOG_LINES)) {
      const linked = e.findings.length > 0 ? `  → ${e.findings.join(', ')}` : '';
      out.push(`    ${offsetText(r, e.ts).padStart(9)}  ${e.host}  ${e.kind}${e.pid !== null ? ` pid ${e.pid}` : ''}${e.device ? ` ${e.device}` : ''}  ${e.detail}${linked}`);
    }
  }
  const log = r.log;
  if (!log) return out;
  const shown = log.lines.slice(-TEXT_LOG_LINES);
  const total = log.lines.length + log.omitted;
  if (shown.length > 0) out.push('', `  stderr tail  last ${shown.length} of ${total} lines (up to 200 in the JSON and HTML reports)`);
  for (const l of shown) out.push(`    ${offsetText(r, l.ts).padStart(9)}  ${l.line}${l.near.length > 0 ? `   [near ${l.near.join(', ')}]` : ''}`);
  for (const p of log.output_paths) out.push(`  job output   ${p}`);
  return out;
}
