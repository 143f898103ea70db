import { type NodeTypeListing, type SelectionResult, listNodeTypes, renderNodeTypes, renderSelection, selectForApp } from '@runlens/analyzer';
import { openChdbStore } from '@runlens/pipeline';
import type { NodeTypesConfig, Store } from '@runlens/schemas';
import { EXIT } from '../cli/exit-codes.ts';
import type { EmbeddedConfig } from '../config.ts';
import { acquireOwnership, dataPaths, releaseOwnership } from '../data-dir.ts';
import { callSocket } from '../local-socket.ts';
import { localOwner } from '../local-identity.ts';
import { loadNodeTypes } from '../node-types-file.ts';
import type { NodesArgs, SelectArgs } from './select-args.ts';

const ASK_UP_TIMEOUT_MS = 60_000;


type Question = { op: 'select'; app: string; scale?: number; node_types: NodeTypesConfig } | { op: 'nodes'; node_types: NodeTypesConfig };

/** Answers a selection question from the store: in `up`, or here when nobody owns the data dir. */
export function answerSelection(store: Store, q: Question): Promise<SelectionResult | NodeTypeListing[]> {
  return q.op === 'select' ? selectForApp(store, localOwner(), q.app, q.node_types, q.scale) : listNodeTypes(store, q.node_types);
}

async function ask(cfg: EmbeddedConfig, q: Question): Promise<SelectionResult | NodeTypeListing[] | null> {
  const paths = dataPaths(cfg.dataDir);
  const owner = acquireOwnership(paths);
  if (owner !== null) {
    try {
      return (await callSocket(paths.socket, q, ASK_UP_TIMEOUT_MS)) as SelectionResult | NodeTypeListing[];
    } catch (e) {
      process.stderr.write(`runlens: runlens up (pid ${owner}) owns ${cfg.dataDir} but did not answer (${e instanceof Error ? e.message : String(e)}); restart it, or stop it and try again\n`);
      return null;
    }
  }
  const store = await openChdbStore({ path: paths.store });
  try {
    return await answerSelection(store, q);
  } finally {
    await store.close();
    releaseOwnership(paths);
  }
}

/** `runlens select APP`: where to run it, by its own history across node types. */
export async function selectCommand(args: SelectArgs, cfg: EmbeddedConfig): Promise<number> {
  const node_types = loadNodeTypes(cfg.nodeTypesFile);
  const r = (await ask(cfg, { op: 'select', app: args.app, ...(args.scale === undefined ? {} : { scale: args.scale }), node_types })) as SelectionResult | null;
  if (!r) return EXIT.failure;
  process.stdout.write(`${args.json ? JSON.stringify(r, null, 2) : renderSelection(r)}\n`);
  return EXIT.ok;
}

/** `runlens nodes`: node types, their hosts and prices. */
export async function nodesCommand(args: NodesArgs, cfg: EmbeddedConfig): Promise<number> {
  const node_types = loadNodeTypes(cfg.nodeTypesFile);
  const r = (await ask(cfg, { op: 'nodes', node_types })) as NodeTypeListing[] | null;
  if (!r) return EXIT.failure;
  process.stdout.write(`${args.json ? JSON.stringify(r, null, 2) : renderNodeTypes(r, node_types.currency)}\n`);
  return EXIT.ok;
}
