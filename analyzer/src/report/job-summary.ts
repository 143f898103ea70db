import {
  type HostUsage, JOB_SUMMARY_VERSION, type JobSummary, type RunRecord, findingsOfRun, gpuUsage, hostUsage, jobSummarySchema, runById, runIdOfJob,
} from '@runlens/schemas';
import type { Store } from '@runlens/pipeline';
import { rankFindings } from './format.ts';

export interface JobSummaryOptions {
  /** The dashboard's base URL (`http://host:7070`); null: no link. */
  readonly dashboardUrl: string | null;
  readonly now?: number;
}

/**
 * `runlens job JOBID`: the job's run read back from the store, per node (seff's questions:
 * how long against the limit, how much of the allocated CPU and requested memory was used).
 * Slurm's words travel in the run's tags (slurm_state, time_limit_s, req_*, cpus_per_node).
 */
export async function buildJobSummary(store: Store, jobId: string, opts: JobSummaryOptions): Promise<JobSummary | null> {
  const runId = await runIdOfJob(store, jobId);
  const run = runId === null ? null : await runById(store, runId);
  if (run === null) return null;
  const tags = tagMap(run.tags);
  const elapsed = Math.max(0.001, ((run.end_ms ?? opts.now ?? Date.now()) - run.start_ms) / 1000);
  const allocOf = allocation(run, tags);
  const memNode = perNodeMem(tags, run.hosts.length);
  const nodes = (await hostUsage(store, run.run_id)).map((h) => nodeLine(h, allocOf(h.host), elapsed, memNode));
  const allocTotal = nodes.every((n) => n.alloc_cores !== null) && nodes.length > 0 ? nodes.reduce((a, n) => a + (n.alloc_cores ?? 0), 0) : null;
  const cpuTotal = nodes.reduce((a, n) => a + n.cpu_s, 0);
  const summary: JobSummary = {
    job_summary_version: JOB_SUMMARY_VERSION, job_id: jobId, run_id: run.run_id, app: run.app, user: run.user,
    account: tags.get('account') ?? '', partition: tags.get('partition') ?? '', cmd: run.cmd,
    status: run.status, scheduler_state: tags.get('slurm_state') ?? '', exit_code: run.exit_code,
    start_ts: run.start_ms, end_ts: run.end_ms, elapsed_s: elapsed, time_limit_s: numTag(tags, 'time_limit_s'),
    request: { cpus: numTag(tags, 'req_cpus'), mem_bytes: numTag(tags, 'req_mem_bytes'), gpus: numTag(tags, 'req_gpus'), nodes: run.hosts.length },
    nodes,
    gpus: await gpuUsage(store, run.run_id),
    totals: {
      cpu_s: cpuTotal, alloc_cores: allocTotal, cpu_efficiency: allocTotal ? cpuTotal / (allocTotal * elapsed) : null,
      peak_mem_bytes: nodes.reduce((a, n) => a + Math.max(n.peak_rss_bytes, n.peak_cgroup_bytes ?? 0), 0),
      read_bytes: sumOrNull(nodes.map((n) => n.read_bytes)), write_bytes: sumOrNull(nodes.map((n) => n.write_bytes)),
    },
    findings: rankFindings(await findingsOfRun(store, run.run_id)),
    dashboard_url: opts.dashboardUrl === null ? null : `${opts.dashboardUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(run.run_id)}`,
  };
  return jobSummarySchema.parse(summary);
}

function nodeLine(h: HostUsage, alloc: number | null, elapsed: number, memRequest: number | null): JobSummary['nodes'][number] {
  return {
    host: h.host, alloc_cores: alloc, cpu_s: h.cpu_s, cpu_efficiency: alloc ? h.cpu_s / (alloc * elapsed) : null,
    peak_rss_bytes: h.peak_rss_bytes, peak_cgroup_bytes: h.peak_cgroup_bytes, mem_request_bytes: memRequest,
    read_bytes: h.read_bytes, write_bytes: h.write_bytes,
  };
}

/** Cores per node: Slurm's per-node list where the tags carry it, else the row's (one host's) alloc_cores. */
function allocation(run: RunRecord, tags: ReadonlyMap<string, string>): (host: string) => number | null {
  const perNode = new Map((tags.get('cpus_per_node') ?? '').split(',').map((p) => p.split(':')).filter((p) => p.length === 2).map(([h, c]) => [h ?? '', Number(c)]));
  return (host) => perNode.get(host) ?? (run.alloc_cores > 0 && (run.hosts.length <= 1 || !tags.has('cpus_per_node')) ? run.alloc_cores : null);
}

/** Slurm's TRES mem is the job's whole request; --mem asks it per node. */
function perNodeMem(tags: ReadonlyMap<string, string>, nodes: number): number | null {
  const mem = numTag(tags, 'req_mem_bytes');
  return mem === null ? null : mem / Math.max(1, nodes);
}

function tagMap(tags: readonly string[]): Map<string, string> {
  return new Map(tags.map((t) => [t.slice(0, Math.max(0, t.indexOf('='))), t.slice(t.indexOf('=') + 1)] as [string, string]).filter(([k]) => k !== ''));
}

function numTag(tags: ReadonlyMap<string, string>, key: string): number | null {
  const v = tags.get(key);
  return v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : null;
}

function sumOrNull(xs: readonly (number | null)[]): number | null {
  return xs.some((x) => x !== null) ? xs.reduce<number>((a, x) => a + (x ?? 0), 0) : null;
}
