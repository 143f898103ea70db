import { attr, defineTable, gauge, nullable, ts } from './column.ts';

/** Findings as stored; the vocabulary and the zod shape are in ../findings.ts. */
export const findings = defineTable({
  name: 'findings',
  description: 'What bounds a run, where and when, with evidence and advice.',
  engine: { kind: 'replacing_merge_tree', version: 'updated_ts' },
  orderBy: ['run_id', 'finding_id'],
  timeColumn: 'start_ts',
  ttlDays: 365,
  columns: {
    run_id: attr('str', 'Run the finding is about.'),
    finding_id: attr('str', 'Stable id: kind, scope and start, so re-analysis replaces rather than duplicates.'),
    kind: attr('lc', 'One of the findings vocabulary (cpu_bound, io_bound, ...).'),
    severity: attr('lc', 'info | warning | critical.'),
    scope: attr('lc', 'run | host | rank | pid | gpu | port.'),
    scope_id: attr('str', 'Which host, rank, pid, GPU or port; empty for run scope.'),
    host: attr('lc', 'Host, where the scope has one.'),
    start_ts: ts('Start of the time range.'),
    end_ts: ts('End of the time range.'),
    updated_ts: ts('Version of this row.'),
    confidence: gauge('ratio', 'How sure the detector is, 0-1.'),
    message: attr('str', 'One line for humans.'),
    advice: attr('str', 'What to do next: which profiler, on which ranks, in which phase.'),
    evidence: attr('str', 'JSON object: the values and the thresholds that fired.'),
    phase: nullable(attr('i32', 'Phase index, when the finding belongs to one.')),
    after_end: attr('u8', '1 for what was learned after the run\'s verdict was frozen at its end (late data, a later analysis); the verdict is the rows with 0.'),
  },
});
