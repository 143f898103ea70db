import { ConfigError } from '@runlens/schemas';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * A role's settings come from an optional JSON file (RUNLENS_CONFIG_FILE, keys named like
 * the variables) overlaid by the environment. Every problem is reported at once, by name.
 */
export function loadRoleConfig<S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>> = process.env): z.infer<S> {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  const file = env.RUNLENS_CONFIG_FILE;
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      problems.push(`RUNLENS_CONFIG_FILE (${file}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (k.startsWith('RUNLENS_') && v !== undefined) merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

export const brokerList = (s: string): string[] => s.split(',').map((b) => b.trim()).filter(Boolean);
