import { type CommandSpec, type Stop, parseCommand, usageError } from '../cli/parse-command.ts';

export interface SelectArgs { readonly app: string; readonly scale: number | undefined; readonly json: boolean }
export interface NodesArgs { readonly json: boolean }

export const SELECT_SPEC: CommandSpec = { name: 'runlens select', options: { scale: { type: 'string' }, json: { type: 'boolean' } }, positionals: 1 };
export const NODES_SPEC: CommandSpec = { name: 'runlens nodes', options: { json: { type: 'boolean' } }, positionals: 0 };

const TYPES_FILE = `node types and prices: RUNLENS_NODE_TYPES_FILE names a JSON file
  {"currency": "EUR", "types": {"big": {"hosts": ["big-*"], "partitions": ["fat"],
   "price_per_node_hour": 3.0, "price_per_core_hour": 0, "price_per_gpu_hour": 0}}}
A host no type claims gets one derived from its node profile (CPU model, CPUs, memory, GPUs).`;

export const SELECT_USAGE = `usage: runlens select APP [--scale CORES] [--json]

Where to run APP: its finished runs of the same work (the most frequent command fingerprint)
at one scale, compared across node types: runs seen, median wall time with a distribution-free
interval, cost per run and runs per unit of money. Names the fastest type and the cheapest per
run and says how sure it is; with fewer than 3 runs on a type it says which runs are missing.

options:
  --scale CORES  compare runs at this many allocated cores (default: the most frequent)
  --json         the result as JSON
  -h, --help     this help

${TYPES_FILE}`;

export const NODES_USAGE = `usage: runlens nodes [--json]

The node types seen in the store (configured, or derived from node profiles), their hosts
and their prices.

options:
  --json         the list as JSON
  -h, --help     this help

${TYPES_FILE}`;

export function parseSelectArgs(argv: readonly string[]): SelectArgs | Stop {
  const p = parseCommand(SELECT_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const app = p.positionals[0];
  if (!app) return usageError(SELECT_SPEC, 'no APP given (the app names are on the dashboard and in runlens report)');
  const raw = p.values.scale;
  const scale = typeof raw === 'string' ? Number(raw) : undefined;
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) return usageError(SELECT_SPEC, `--scale must be a positive number of cores, not ${String(raw)}`);
  return { app, scale, json: p.values.json === true };
}

export function parseNodesArgs(argv: readonly string[]): NodesArgs | Stop {
  const p = parseCommand(NODES_SPEC, argv);
  return p.kind === 'ok' ? { json: p.values.json === true } : p;
}
