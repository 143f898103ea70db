import type { JobSummary } from '@runlens/schemas';
import { bytes, pct, seconds } from './format.ts';
import { terminalSafe } from './terminal-safe.ts';

/** `runlens job JOBID`: seff's layout, one line per node and per GPU, then the findings. */
export function renderJobSummary(j: JobSummary): string {
  const limit = j.time_limit_s === null ? 'no limit' : `${pct(j.elapsed_s / j.time_limit_s)} of the ${seconds(j.time_limit_s)} limit`;
  const t = j.totals;
  const lines = [
    `Job ${j.job_id}  ${j.app}  user=${j.user}${j.account ? `  account=${j.account}` : ''}${j.partition ? `  partition=${j.partition}` : ''}`,
    `  state        ${j.scheduler_state || j.status}  (exit ${j.exit_code ?? 'n/a'}; run ${j.run_id} ${j.status})`,
    `  command      ${j.cmd || 'n/a'}`,
    `  elapsed      ${seconds(j.elapsed_s)}  (${limit})`,
    `  requested    ${j.request.cpus ?? 'n/a'} CPUs, ${bytes(j.request.mem_bytes)} memory, ${j.request.gpus ?? 0} GPUs on ${j.request.nodes} node(s)`,
    `  CPU          ${seconds(t.cpu_s)} of ${t.alloc_cores ?? 'n/a'} allocated cores  (efficiency ${pct(t.cpu_efficiency)})`,
    `  memory       peak ${bytes(t.peak_mem_bytes)} of ${bytes(j.request.mem_bytes)} requested${j.request.mem_bytes ? `  (${pct(t.peak_mem_bytes / j.request.mem_bytes)})` : ''}`,
    `  storage IO   read ${bytes(t.read_bytes)}, written ${bytes(t.write_bytes)}`,
    '',
    '  node                  cores   CPU eff.   peak RSS   peak cgroup   mem req.      read   written',
  ];
  for (const n of j.nodes) {
    lines.push(`  ${n.host.padEnd(20).slice(0, 20)} ${String(n.alloc_cores ?? 'n/a').padStart(6)} ${pct(n.cpu_efficiency).padStart(10)} ${bytes(n.peak_rss_bytes).padStart(10)}` +
      ` ${bytes(n.peak_cgroup_bytes).padStart(13)} ${bytes(n.mem_request_bytes).padStart(10)} ${bytes(n.read_bytes).padStart(9)} ${bytes(n.write_bytes).padStart(9)}`);
  }
  if (j.nodes.length === 0) lines.push('  (no samples of this job on any node)');
  if (j.gpus.length > 0) lines.push('', '  GPU                                          utilisation   peak memory');
  for (const g of j.gpus) lines.push(`  ${`${g.host} ${g.gpu_uuid}`.padEnd(44).slice(0, 44)} ${pct(g.util_mean).padStart(11)} ${bytes(g.mem_peak_bytes).padStart(13)}`);
  lines.push('', j.findings.length === 0 ? '  findings     none' : '  findings');
  for (const f of j.findings) lines.push(`   [${f.severity}] ${f.kind}: ${f.message}`, `       → ${f.advice}`);
  if (j.dashboard_url) lines.push('', `  dashboard    ${j.dashboard_url}`);
  // Names come from the job (its name, command, hosts): no terminal escapes through.
  return lines.map(terminalSafe).join('\n');
}
