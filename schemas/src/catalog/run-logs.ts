import { attr, defineTable, ts } from './column.ts';

/** Lines kept of a run's output: `runlens run` keeps the last this many of the command's stderr. */
export const RUN_LOG_TAIL_LINES = 200;
/** A longer line is cut here (a progress bar without newlines, a binary dump). */
export const RUN_LOG_LINE_MAX_CHARS = 1000;

/**
 * The tail of a run's output, one row per line, with the time the line arrived, so the report
 * and the run page can put each line on the run's timeline next to its findings and node events.
 * `seq` counts every line the run wrote on that stream, so a tail that starts past 0 says how
 * many earlier lines were not kept.
 */
export const runLogs = defineTable({
  name: 'run_logs',
  description: 'The last lines of a run\'s output (runlens run tees the command\'s stderr), with their arrival time.',
  engine: { kind: 'idempotent_samples' },
  orderBy: ['run_id', 'host', 'stream', 'seq'],
  timeColumn: 'ts',
  ttlDays: 90,
  columns: {
    ts: ts('When the line arrived.'),
    host: attr('lc', 'Host the command ran on.', 'host.name'),
    run_id: attr('str', 'Run the line belongs to.'),
    stream: attr('lc', 'stderr | stdout.'),
    seq: attr('u32', 'Line number on that stream since the run started, from 0.'),
    line: attr('str', 'The line without its newline, cut at 1000 characters.'),
  },
});
