import type { RunReport } from '@runlens/schemas';
import { resourceBarLines } from './bars.ts';
import { bytes, evidenceLine, metricLine, pct, seconds } from './format.ts';
import { endingLines, logAndEventLines } from './render-log.ts';
import { terminalSafe } from './terminal-safe.ts';
import { allocatedCores } from './allocation.ts';

const SEVERITY_MARK = { info: 'i', warning: '!', critical: '!!' } as const;

/** The terminal report `runlens run` prints when the command ends. */
export function renderText(r: RunReport): string {
  const s = r.summary;
  const lines = [
    `RunLens report  ${r.run.run_id}  app=${r.run.app}  exit=${r.run.exit_code ?? 'running'}`,
    `  command      ${r.run.cmd}`,
    ...endingLines(r),
    `  wall time    ${seconds(s.wall_s)}`,
    `  CPU          ${s.cpu_cores_mean.toFixed(2)} cores used of ${allocatedCores(r.run)} allocated  (efficiency ${pct(s.cpu_efficiency)};` +
      ` user ${seconds(s.cpu_user_s)}, sys ${seconds(s.cpu_sys_s)})`,
    `  peak RSS     ${bytes(s.peak_rss_bytes)}`,
    `  storage IO   read ${bytes(s.read_bytes)}, written ${bytes(s.write_bytes)}`,
    `  syscall IO   read() ${bytes(s.rchar)}, write() ${bytes(s.wchar)}   (totals from ${s.totals_source === 'kernel' ? 'kernel accounting' : 'samples'})`,
  ];
  if (s.gpu) lines.push(`  GPU          ${s.gpu.gpus} GPU(s), utilisation ${s.gpu.util_mean === null ? 'n/a' : pct(s.gpu.util_mean)}, peak memory ${bytes(s.gpu.mem_peak_bytes)}`);
  for (const [i, m] of (r.metrics ?? []).entries()) lines.push(`  ${i === 0 ? 'app metric  ' : '            '} ${metricLine(m)}`);
  if (s.absent.length > 0) lines.push(`  not measured ${s.absent.join('; ')}`);
  lines.push(`  samples      ${s.samples} ticks, ${s.processes} processes`);
  const bars = resourceBarLines(r, '    ');
  if (bars.length > 0) lines.push('', '  resources', ...bars);
  if (s.top_processes.length > 0) {
    lines.push('', '  top processes          pid       CPU      peak RSS    written');
    for (const p of s.top_processes.slice(0, 5)) {
      lines.push(`    ${terminalSafe(p.comm).padEnd(18).slice(0, 18)} ${String(p.pid).padStart(8)} ${seconds(p.cpu_s).padStart(9)} ${bytes(p.peak_rss_bytes).padStart(12)} ${bytes(p.write_bytes).padStart(10)}`);
    }
  }
  if (s.mpi && s.mpi.length > 0) lines.push('', ...mpiLines(s.mpi));
  if (r.phases.length > 1) {
    lines.push('', '  phases');
    for (const p of r.phases) lines.push(`    #${p.index} ${p.label.padEnd(8)} ${seconds((p.end_ts - p.start_ts) / 1000).padStart(9)}  ${p.cpu_cores_mean.toFixed(2)} cores  ${bytes(p.io_bytes_per_s_mean)}/s`);
  }
  lines.push('', r.findings.length === 0 ? '  findings     none' : '  findings');
  for (const f of r.findings) {
    lines.push(`   [${SEVERITY_MARK[f.severity]}] ${f.kind}: ${f.message}`, `       → ${f.advice}`);
    if (Object.keys(f.evidence).length > 0) lines.push(`       evidence: ${evidenceLine(f.evidence)}`);
  }
  const later = r.findings_after_end ?? [];
  if (later.length > 0) lines.push('', '  learned after the run ended (not part of the verdict above)');
  for (const f of later) lines.push(`   [${SEVERITY_MARK[f.severity]}] ${f.kind}: ${f.message}`);
  lines.push(...logAndEventLines(r));
  if (r.baseline) lines.push('', `  baseline     ${r.baseline.verdict}`);
  for (const [i, e] of (r.elsewhere ?? []).entries()) lines.push(`  ${i === 0 ? 'elsewhere   ' : '            '} ${e}`);
  // Every line may carry names from the measured system (app, cmd, comm, finding messages).
  return lines.map(terminalSafe).join('\n');
}

const MPI_RANKS_SHOWN = 16;

/** Time inside MPI per rank: the ranks that wait least are the heavy ones. */
function mpiLines(ranks: NonNullable<RunReport['summary']['mpi']>): string[] {
  const lines = ['  time in MPI    rank  host             in MPI   of wall   CPU outside MPI   calls'];
  for (const m of ranks.slice(0, MPI_RANKS_SHOWN)) {
    lines.push(`    ${''.padEnd(10)} ${String(m.rank).padStart(5)}  ${terminalSafe(m.host).padEnd(15).slice(0, 15)} ${pct(m.mpi_share).padStart(7)} ${seconds(m.wall_s).padStart(9)} ${seconds(m.compute_cpu_s).padStart(17)} ${String(m.calls).padStart(7)}`);
  }
  if (ranks.length > MPI_RANKS_SHOWN) lines.push(`    … ${ranks.length - MPI_RANKS_SHOWN} more ranks in the JSON report`);
  return lines;
}
