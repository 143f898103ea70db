import type { RunReport } from '@runlens/schemas';
import { bytes, pct, seconds } from './format.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A self-contained HTML report (no scripts, no external assets). */
export function renderHtml(r: RunReport): string {
  const s = r.summary;
  const kv = (k: string, v: string): string => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const findings = r.findings.map((f) =>
    `<li class="${esc(f.severity)}"><b>${esc(f.kind)}</b> ${esc(f.message)}<br><i>${esc(f.advice)}</i>` +
    `<pre>${esc(JSON.stringify(f.evidence, null, 1))}</pre></li>`).join('');
  const procs = s.top_processes.map((p) =>
    `<tr><td>${esc(p.comm)}</td><td>${p.pid}</td><td>${esc(seconds(p.cpu_s))}</td><td>${esc(bytes(p.peak_rss_bytes))}</td><td>${esc(bytes(p.write_bytes))}</td></tr>`).join('');
  const mpi = (s.mpi ?? []).map((m) =>
    `<tr><td>${m.rank}</td><td>${esc(m.host)}</td><td>${esc(pct(m.mpi_share))}</td><td>${esc(seconds(m.wall_s))}</td><td>${esc(seconds(m.compute_cpu_s))}</td><td>${m.calls}</td></tr>`).join('');
  const mpiTable = mpi ? `<h2>Time in MPI per rank</h2><table><tr><th>rank</th><th>host</th><th>in MPI</th><th>of wall</th><th>CPU outside MPI</th><th>calls</th></tr>${mpi}</table>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>RunLens ${esc(r.run.run_id)}</title>
<style>body{font:14px system-ui;margin:2em;max-width:60em}th{text-align:left;padding-right:1em}.warning{color:#a60}.critical{color:#c00}pre{font-size:11px;color:#555}</style>
</head><body><h1>RunLens report</h1><table>
${kv('run', r.run.run_id)}${kv('app', r.run.app)}${kv('command', r.run.cmd)}${kv('exit code', String(r.run.exit_code ?? 'running'))}
${kv('wall time', seconds(s.wall_s))}${kv('CPU', `${s.cpu_cores_mean.toFixed(2)} of ${r.run.alloc_cores} cores (${pct(s.cpu_efficiency)})`)}
${kv('peak RSS', bytes(s.peak_rss_bytes))}${kv('storage IO', `read ${bytes(s.read_bytes)}, written ${bytes(s.write_bytes)}`)}
${kv('baseline', r.baseline?.verdict ?? 'n/a')}</table>
<h2>Findings</h2><ul>${findings || '<li>none</li>'}</ul>
<h2>Top processes</h2><table><tr><th>comm</th><th>pid</th><th>CPU</th><th>peak RSS</th><th>written</th></tr>${procs}</table>
${mpiTable}</body></html>`;
}
