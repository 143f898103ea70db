import { ConfigError, NO_NODE_TYPES, type NodeTypesConfig, nodeTypesFileSchema } from '@runlens/schemas';
import { readFileSync, statSync } from 'node:fs';

const MAX_BYTES = 1 << 20;

/**
 * The node types and prices named by RUNLENS_NODE_TYPES_FILE (JSON, see deploy/README.md), or
 * none. A file too big, unreadable, not JSON or not matching the schema is a ConfigError that
 * lists every problem with the variable's name.
 */
export function loadNodeTypes(path: string | undefined): NodeTypesConfig {
  if (!path) return NO_NODE_TYPES;
  const where = `RUNLENS_NODE_TYPES_FILE (${path})`;
  let text: string;
  try {
    if (statSync(path).size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`${where}: ${e instanceof Error ? e.message : String(e)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`${where}: not JSON: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const parsed = nodeTypesFileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${where}: ${i.path.join('.') || '(file)'}: ${i.message}`));
  return parsed.data;
}
