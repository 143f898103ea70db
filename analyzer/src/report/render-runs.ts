import { pct, seconds } from './format.ts';
import type { RunListItem } from './run-list.ts';
import { terminalSafe } from './terminal-safe.ts';

const SEVERITY_MARK: Readonly<Record<string, string>> = { critical: '!!', warning: '!', info: 'i' };

/** How a run ended, in a few characters: its status, or its exit code once it finished. */
function ending(r: RunListItem): string {
  if (r.status === 'finished' || r.status === 'failed') return r.exit_code === null ? r.status : `exit ${r.exit_code}`;
  return r.status;
}

/** Wall time of a finished run; time so far, marked, for one still running. */
function wall(r: RunListItem, now: number): string {
  if (r.end_ms !== null) return seconds((r.end_ms - r.start_ms) / 1000);
  return r.status === 'running' ? `${seconds(Math.max(0, now - r.start_ms) / 1000)}+` : 'n/a';
}

const started = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

/** A cell made terminal-safe, then cut to `width` (with an ellipsis) and padded to it, so escapes cannot skew the columns. */
function cell(text: string, width: number): string {
  const safe = terminalSafe(text);
  return safe.length > width ? `${safe.slice(0, width - 1)}…` : safe.padEnd(width);
}

/**
 * `runlens runs`: one line per run, newest first. The user column appears when the list holds
 * several users' runs. Names come from the runs (app, command, finding text): no terminal escapes.
 */
export function renderRunList(runs: readonly RunListItem[], now = Date.now()): string {
  if (runs.length === 0) return 'no runs match (runlens run records one)';
  const users = new Set(runs.map((r) => r.user)).size > 1;
  const head = `${cell('RUN ID', 20)} ${cell('APP', 16)} ${users ? `${cell('USER', 10)} ` : ''}${cell('STARTED (UTC)', 16)} ${'WALL'.padStart(12)} ${cell('ENDED', 9)} ${'HOSTS'.padStart(5)} ${'CPU EFF'.padStart(7)}  TOP FINDING`;
  const lines = runs.map((r) => {
    const f = r.top_finding;
    const finding = f ? `[${SEVERITY_MARK[f.severity] ?? f.severity}] ${f.kind}` : '-';
    return `${cell(r.run_id, 20)} ${cell(r.app, 16)} ${users ? `${cell(r.user, 10)} ` : ''}${cell(started(r.start_ms), 16)} ${wall(r, now).padStart(12)} ` +
      `${cell(ending(r), 9)} ${String(r.hosts).padStart(5)} ${pct(r.efficiency, '-').padStart(7)}  ${finding}`;
  });
  return [head, ...lines].map(terminalSafe).join('\n');
}
