import type { RunReport } from '@runlens/schemas';
import { type ReportChart, reportChartOptions } from '../charts/report-charts.ts';
import { resourceBars } from './bars.ts';
import { bytes, evidenceEntry, metricLine, pct, seconds } from './format.ts';
import { allocatedCores } from './allocation.ts';

const CHART_WIDTH = 760;
const CHART_HEIGHT = 240;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

interface RenderedChart { readonly resource: string; readonly title: string; readonly svg: string }

/** echarts is loaded here, on the first report with charts, never by a role that only imports the analyzer. */
async function renderCharts(charts: readonly ReportChart[]): Promise<RenderedChart[]> {
  if (charts.length === 0) return [];
  const { renderSvg } = await import('../charts/ssr.ts');
  return charts.map((c) => ({ resource: c.resource, title: c.title, svg: renderSvg(c.option, CHART_WIDTH, CHART_HEIGHT) }));
}

/**
 * The HTML report: one self-contained file (no scripts, no external assets) with server-side
 * SVG charts of CPU, memory, storage IO and GPU over time, the findings shaded on them.
 */
export async function renderHtml(r: RunReport): Promise<string> {
  return htmlPage(r, await renderCharts(reportChartOptions(r)));
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em auto;max-width:62em;padding:0 1em;color:#222}
th{text-align:left;padding-right:1em;font-weight:600}td,th{vertical-align:top}table{border-collapse:collapse}
.num{text-align:right;padding-left:1em}.warning{border-left:4px solid #e0a020}.critical{border-left:4px solid #d03030}
.info{border-left:4px solid #5080d0}.finding{padding:.3em .8em;margin:.6em 0;background:#fafafa}.ev{font-size:12px;color:#444}
.ev span{display:inline-block;margin-right:1.2em}.chart svg{max-width:100%;height:auto}.bar{font-family:monospace;white-space:pre}
.muted{color:#666}pre.log{font-size:12px;background:#f7f7f7;padding:.5em;white-space:pre-wrap}pre.log .near{background:#fff3dc}@media print{.chart{break-inside:avoid}}`;

function summary(r: RunReport): string {
  const s = r.summary;
  const kv = (k: string, v: string): string => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  return `<table>${kv('run', r.run.run_id)}${kv('app', r.run.app)}${kv('user', r.run.user)}${kv('command', r.run.cmd)}
${kv('hosts', r.run.hosts.join(', '))}${kv('ended', r.run.ending?.detail ?? String(r.run.exit_code ?? 'running'))}${kv('wall time', seconds(s.wall_s))}
${kv('CPU', `${s.cpu_cores_mean.toFixed(2)} of ${allocatedCores(r.run)} cores (${pct(s.cpu_efficiency)}); user ${seconds(s.cpu_user_s)}, sys ${seconds(s.cpu_sys_s)}`)}
${kv('peak RSS', bytes(s.peak_rss_bytes))}${kv('storage IO', `read ${bytes(s.read_bytes)}, written ${bytes(s.write_bytes)}`)}
${kv('syscall IO', `read() ${bytes(s.rchar)}, write() ${bytes(s.wchar)}`)}
${s.gpu ? kv('GPU', `${s.gpu.gpus} GPU(s), utilisation ${pct(s.gpu.util_mean)}, peak memory ${bytes(s.gpu.mem_peak_bytes)}`) : ''}
${(r.metrics ?? []).map((m, i) => kv(i === 0 ? 'app metric' : '', metricLine(m))).join('')}
${s.absent.length > 0 ? kv('not measured', s.absent.join('; ')) : ''}${kv('baseline', r.baseline?.verdict ?? 'n/a')}
${(r.elsewhere ?? []).map((e, i) => kv(i === 0 ? 'elsewhere' : '', e)).join('')}</table>`;
}

function findings(r: RunReport): string {
  if (r.findings.length === 0) return '<p class="muted">No findings: nothing bounded this run beyond its allocation.</p>';
  return r.findings.map((f) => {
    const ev = Object.entries(f.evidence).map(([k, v]) => evidenceEntry(k, v)).map(([k, v]) => `<span>${esc(k)} <b>${esc(v)}</b></span>`).join('');
    return `<div class="finding ${esc(f.severity)}" data-kind="${esc(f.kind)}"><b>${esc(f.kind)}</b> <span class="muted">${esc(f.severity)} · ` +
      `${esc(f.scope)}${f.scope_id ? ` ${esc(f.scope_id)}` : ''} · confidence ${pct(f.confidence)}</span><br>${esc(f.message)}<br>` +
      `<i>${esc(f.advice)}</i>${ev ? `<div class="ev">${ev}</div>` : ''}</div>`;
  }).join('');
}

function processes(r: RunReport): string {
  const rows = r.summary.top_processes.map((p) =>
    `<tr><td>${esc(p.comm)}</td><td class="num">${p.pid}</td><td>${esc(p.host)}</td><td class="num">${esc(p.rank === null ? '' : String(p.rank))}</td>` +
    `<td class="num">${esc(seconds(p.cpu_s))}</td><td class="num">${esc(bytes(p.peak_rss_bytes))}</td><td class="num">${esc(bytes(p.read_bytes))}</td><td class="num">${esc(bytes(p.write_bytes))}</td></tr>`).join('');
  return rows ? `<table data-testid="processes"><tr><th>process</th><th class="num">pid</th><th>host</th><th class="num">rank</th><th class="num">CPU</th>` +
    `<th class="num">peak RSS</th><th class="num">read</th><th class="num">written</th></tr>${rows}</table>` : '<p class="muted">No processes sampled.</p>';
}

/** Time inside MPI per rank (`runlens run --mpi`): the ranks that wait least are the heavy ones. */
function mpiRanks(r: RunReport): string {
  const rows = (r.summary.mpi ?? []).map((m) =>
    `<tr><td class="num">${m.rank}</td><td>${esc(m.host)}</td><td class="num">${esc(pct(m.mpi_share))}</td><td class="num">${esc(seconds(m.wall_s))}</td>` +
    `<td class="num">${esc(seconds(m.compute_cpu_s))}</td><td class="num">${m.calls}</td></tr>`).join('');
  return rows ? `<h2>Time in MPI per rank</h2><table data-testid="mpi"><tr><th class="num">rank</th><th>host</th><th class="num">in MPI</th>` +
    `<th class="num">of wall</th><th class="num">CPU outside MPI</th><th class="num">calls</th></tr>${rows}</table>` : '';
}

/** Node events on the run's hosts, and the stderr tail, each at its time in the run with the findings around it. */
function eventsAndLog(r: RunReport): string {
  const at = (ts: number): string => esc(`+${seconds(Math.max(0, (ts - r.run.start_ts) / 1000))}`);
  const events = (r.events ?? []).map((e) => `<tr data-event-kind="${esc(e.kind)}"><td>${at(e.ts)}</td><td>${esc(e.host)}</td><td>${esc(e.kind)}</td>`
    + `<td>${esc(e.pid === null ? e.device : `${e.comm} (pid ${e.pid})`)}</td><td>${esc(e.detail)}</td><td>${esc(e.findings.join(', '))}</td></tr>`).join('');
  const log = r.log;
  const lines = (log?.lines ?? []).map((l) => `<div${l.near.length > 0 ? ' class="near"' : ''} data-near="${esc(l.near.join(' '))}">`
    + `<span class="muted">${at(l.ts)}</span> ${esc(l.line)}${l.near.length > 0 ? ` <b>← ${esc(l.near.join(', '))}</b>` : ''}</div>`).join('');
  const paths = (log?.output_paths ?? []).map((p) => `<p class="muted">Job output: <code>${esc(p)}</code></p>`).join('');
  return (events ? `<h2>Node events</h2><table data-testid="events"><tr><th>when</th><th>host</th><th>event</th><th>process / device</th><th>detail</th><th>finding</th></tr>${events}</table>` : '')
    + (log ? `<h2>Log tail</h2><p class="muted">${log.lines.length} of ${log.lines.length + log.omitted} stderr lines kept</p>${paths}${lines ? `<pre class="log" data-testid="log">${lines}</pre>` : ''}` : '');
}

/** The page around already rendered charts (pure: what the tests read). */
export function htmlPage(r: RunReport, charts: readonly RenderedChart[]): string {
  const bars = resourceBars(r).map((b) => `<tr><th>${esc(b.label)}</th><td class="bar">${esc(b.bar)}</td><td>${esc(b.text)}</td></tr>`).join('');
  const figures = charts.map((c) => `<figure class="chart" data-resource="${esc(c.resource)}"><figcaption><b>${esc(c.title)}</b></figcaption>${c.svg}</figure>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>RunLens ${esc(r.run.run_id)}</title><style>${STYLE}</style></head><body>
<h1>RunLens report</h1>${summary(r)}
${bars ? `<h2>Resources</h2><table>${bars}</table>` : ''}
<h2>Findings</h2>${findings(r)}
${figures ? `<h2>Over time</h2><p class="muted">${esc(seconds((r.timeline?.bucket_ms ?? 1000) / 1000))} per point; shaded: findings; CPU per host, stacked: the run's own, its run delay (runnable, waiting for a CPU) and, dashed, other processes on the same hosts, against the allocation (the axis goes higher only when the stack mostly does).</p>${figures}` : ''}
${eventsAndLog(r)}
<h2>Top processes</h2>${processes(r)}
${mpiRanks(r)}</body></html>`;
}
