import type { RunReport } from '@runlens/schemas';
import { resourceBarLines } from './bars.ts';
import { bytes, evidenceLine, metricLine, pct, seconds } from './format.ts';
import { terminalSafe } from './terminal-safe.ts';
import { allocatedCores } from './allocation.ts';
import { offsetText } from './render-log.ts';

const SEVERITY_MARK = { info: 'ℹ️', warning: '⚠️', critical: '‼️' } as const;

/**
 * Text from the measured system (names, commands, messages) as inert Markdown: control
 * characters escaped as in the terminal, every inline character Markdown or HTML would act on
 * backslash-escaped (and a leading list or heading marker), so a process name cannot add a link, an image, a table cell or a tag.
 */
export function mdText(s: string): string {
  const inline = terminalSafe(s).replace(/[\\`*_{}[\]<>|~&]/g, (c) => `\\${c}`);
  // A list item or heading only starts a line: escape that start, leave other text readable.
  return inline.replace(/^(\s*)([#+\-=])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

const row = (k: string, v: string): string => `| ${k} | ${v} |`;

function summaryTable(r: RunReport): string[] {
  const s = r.summary;
  const rows = [
    '| | |', '|---|---|',
    row('app', mdText(r.run.app)), row('command', mdText(r.run.cmd)), row('user', mdText(r.run.user)),
    row('exit code', String(r.run.exit_code ?? 'running')),
    ...(r.run.ending ? [row('ended', endingText(r.run.ending))] : []),
    row('wall time', seconds(s.wall_s)),
    row('CPU', `${s.cpu_cores_mean.toFixed(2)} cores used of ${allocatedCores(r.run)} allocated (efficiency ${pct(s.cpu_efficiency)}; user ${seconds(s.cpu_user_s)}, sys ${seconds(s.cpu_sys_s)})`),
    row('peak RSS', bytes(s.peak_rss_bytes)),
    row('storage IO', `read ${bytes(s.read_bytes)}, written ${bytes(s.write_bytes)}`),
    row('syscall IO', `read() ${bytes(s.rchar)}, write() ${bytes(s.wchar)} (totals from ${s.totals_source === 'kernel' ? 'kernel accounting' : 'samples'})`),
  ];
  if (s.gpu) rows.push(row('GPU', `${s.gpu.gpus} GPU(s), utilisation ${pct(s.gpu.util_mean)}, peak memory ${bytes(s.gpu.mem_peak_bytes)}`));
  if (s.absent.length > 0) rows.push(row('not measured', mdText(s.absent.join('; '))));
  rows.push(row('samples', `${s.samples} ticks, ${s.processes} processes`));
  return rows;
}

function findingLines(r: RunReport): string[] {
  if (r.findings.length === 0) return ['None.'];
  return r.findings.flatMap((f) => [
    `### ${SEVERITY_MARK[f.severity]} \`${f.kind}\` (${f.severity}, confidence ${pct(f.confidence)})`, '',
    mdText(f.message), '', `**Advice:** ${mdText(f.advice)}`, '',
    ...(Object.keys(f.evidence).length > 0 ? [`Evidence: ${mdText(evidenceLine(f.evidence))}`, ''] : []),
  ]);
}

function endingText(e: NonNullable<RunReport['run']['ending']>): string {
  const from = e.source === 'exit_code' || e.how === 'running' ? '' : ` (from ${e.source.replace(/_/g, ' ')})`;
  return `**${e.how.replace(/_/g, ' ')}**: ${mdText(e.detail)}${from}`;
}

/**
 * A fenced block that no line inside can close: CommonMark closes a backtick fence only with a
 * run of at least as many backticks, so the fence is one longer than the longest run in the text.
 */
export function codeBlock(lines: readonly string[], info = 'text'): string[] {
  const safe = lines.map(terminalSafe);
  const longest = Math.max(2, ...safe.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...safe, fence];
}

/** Kernel events on the run's hosts while it ran (hung tasks, OOM kills, XIDs, …), with the findings they explain. */
function eventLines(r: RunReport): string[] {
  const events = r.events ?? [];
  if (events.length === 0) return [];
  const out = ['## Node events', '', '| when | host | event | process / device | detail | finding |', '|--:|---|---|---|---|---|'];
  for (const e of events) {
    const what = e.pid === null ? e.device : `${e.comm} (pid ${e.pid})`;
    out.push(`| ${offsetText(r, e.ts)} | ${mdText(e.host)} | ${mdText(e.kind)} | ${mdText(what)} | ${mdText(e.detail)} | ${mdText(e.findings.join(', '))} |`);
  }
  return [...out, ''];
}

/** The kept stderr tail, whole (up to 200 lines), as a code block: log text is never read as Markdown. */
function logLines(r: RunReport): string[] {
  const log = r.log;
  if (!log) return [];
  const out = ['## Log tail', '', `${log.lines.length} of ${log.lines.length + log.omitted} stderr lines kept.`, ''];
  for (const p of log.output_paths) out.push(`Job output: ${mdText(p)}`, '');
  if (log.lines.length > 0) {
    out.push(...codeBlock(log.lines.map((l) => `${offsetText(r, l.ts).padStart(9)}  ${l.line}${l.near.length > 0 ? `   [near ${l.near.join(', ')}]` : ''}`)), '');
  }
  return out;
}

/** `runlens report RUN_ID --md`: the text report's content as Markdown, for tickets and wikis. */
export function renderMarkdown(r: RunReport): string {
  const s = r.summary;
  const bars = resourceBarLines(r, '');
  const out = [`# RunLens report ${mdText(r.run.run_id)}`, '', ...summaryTable(r), ''];
  if (bars.length > 0) out.push('## Resources', '', '```text', ...bars.map(terminalSafe), '```', '');
  out.push('## Findings', '', ...findingLines(r));
  if (s.top_processes.length > 0) {
    out.push('## Top processes', '', '| process | pid | host | CPU | peak RSS | written |', '|---|--:|---|--:|--:|--:|');
    for (const p of s.top_processes) out.push(`| ${mdText(p.comm)} | ${p.pid} | ${mdText(p.host)} | ${seconds(p.cpu_s)} | ${bytes(p.peak_rss_bytes)} | ${bytes(p.write_bytes)} |`);
    out.push('');
  }
  if (r.phases.length > 1) {
    out.push('## Phases', '', '| # | phase | duration | CPU | storage IO |', '|--:|---|--:|--:|--:|');
    for (const p of r.phases) out.push(`| ${p.index} | ${mdText(p.label)} | ${seconds((p.end_ts - p.start_ts) / 1000)} | ${p.cpu_cores_mean.toFixed(2)} cores | ${bytes(p.io_bytes_per_s_mean)}/s |`);
    out.push('');
  }
  out.push(...eventLines(r), ...logLines(r));
  out.push('## Baseline', '', r.baseline ? mdText(r.baseline.verdict) : 'n/a', '');
  if ((r.metrics ?? []).length > 0) out.push('## App metrics', '', ...(r.metrics ?? []).map((m) => `- ${mdText(metricLine(m))}`), '');
  if ((r.elsewhere ?? []).length > 0) out.push('## Elsewhere', '', ...(r.elsewhere ?? []).map((e) => `- ${mdText(e)}`), '');
  return out.join('\n');
}
