import type { TableName } from '../catalog/index.ts';
import { SELF_RUN_ID } from '../catalog/runs.ts';

/**
 * Header an agent puts on the rows its host sends at every tick (node, GPU, InfiniBand): the runs
 * on the host at that tick, from the same tick's process rows, comma-separated ('' for none). The
 * analyzer's router copies such a message into those runs' partitions, and no further: without it
 * a router has to learn a host's runs from its process messages, which in a backlog it reads after
 * the node messages of the same ticks.
 */
export const HOST_RUNS_HEADER = 'host_runs';

/** Tables a host sends at every tick that the analyzer needs only for the runs on the host. */
export const HOST_TICK_TABLES: ReadonlySet<TableName> = new Set(['node_samples', 'gpu_samples', 'ib_samples']);

/** More runs on one host than this and the header is left out: the host topic, which every replica reads, costs less than a copy per run. */
export const MAX_HOST_RUNS = 64;
const MAX_RUN_ID_CHARS = 256;

/** The header's value for these run ids (RunLens's own and '' left out), or undefined where there are too many. */
export function hostRunsHeader(runIds: Iterable<unknown>): string | undefined {
  const runs = new Set<string>();
  for (const id of runIds) if (typeof id === 'string' && isRunId(id)) runs.add(id);
  return runs.size > MAX_HOST_RUNS ? undefined : [...runs].sort().join(',');
}

/** The runs a header names; undefined where there is none or it is not one a sender of ours writes (the caller then decides another way). */
export function parseHostRuns(value: string | undefined): readonly string[] | undefined {
  if (value === undefined || value.length > MAX_HOST_RUNS * (MAX_RUN_ID_CHARS + 1)) return undefined;
  if (value === '') return [];
  const runs = value.split(',');
  return runs.length <= MAX_HOST_RUNS && runs.every(isRunId) ? runs : undefined;
}

const isRunId = (id: string): boolean => id !== '' && id !== SELF_RUN_ID && id.length <= MAX_RUN_ID_CHARS && !id.includes(',');
