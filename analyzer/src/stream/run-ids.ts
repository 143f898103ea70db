import { SELF_RUN_ID } from '@runlens/schemas';

/** A run_id value as a run: '' for none, for a non-string and for RunLens itself. */
export const runIdOf = (id: unknown): string => (typeof id === 'string' && id !== '' && id !== SELF_RUN_ID ? id : '');

/** Run a row belongs to; '' for a node-level row (the node, its background processes), which every run on the host needs. */
export function runOfRow(row: Readonly<Record<string, unknown>>): string {
  return runIdOf(row.run_id);
}

/**
 * Header of a host's per-tick rows copied into a run's partition of the run-keyed topic (its value:
 * the host). A host with two runs has its rows in both partitions: the copies are the same bytes,
 * so a replica owning both applies them once (seen-messages.ts, by host and content).
 */
export const HOST_DATA_HEADER = 'host_data';

/**
 * Header of such a copy: the digest of its bytes (seen-messages.ts digestOf), worked out once by the
 * router for all of a host message's copies, where each run owner hashed its copy again. The owner
 * trusts it as it trusts the rest of what a router writes on the run-keyed topic.
 */
export const DIGEST_HEADER = 'digest';
