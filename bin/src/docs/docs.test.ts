import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUBCOMMANDS, isSubcommand } from '../cli/subcommands.ts';
import { DOCS_DIR, GENERATED_DOCS } from './write-docs.ts';

/**
 * The docs cannot drift: generated pages match their sources, every `runlens …` command shown in
 * a shell block parses with the CLI's own parser, and every RUNLENS_* setting named exists in code.
 */
const ROOT = join(DOCS_DIR, '..');
const pages = [...readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')).map((f) => join(DOCS_DIR, f)), join(ROOT, 'README.md'), join(ROOT, 'deploy', 'README.md')];
const text = (f: string): string => readFileSync(f, 'utf8');

/** Lines of ```sh blocks that call runlens, as argv after `runlens`. */
function shownCommands(md: string): string[][] {
  const blocks = [...md.matchAll(/```(?:sh|bash|console)\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).flatMap((line) => {
    const m = /(?:^|[\s/])runlens ([a-z][^|#;&>]*)/.exec(line.replace(/\s+#.*$/, ''));
    return m?.[1] ? [m[1].trim().split(/\s+/)] : [];
  });
}

function sourceText(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'libs' || name === 'data' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceText(p, out);
    else if (/\.(ts|mjs|sh|env|service)$|^[a-z-]+$/.test(name)) out.push(readFileSync(p, 'utf8'));
  }
  return out;
}

describe('docs', () => {
  it.each(Object.keys(GENERATED_DOCS))('docs/%s is generated from its sources (npx tsx bin/src/docs/write-docs.ts)', (name) => {
    const file = join(DOCS_DIR, name);
    expect(existsSync(file)).toBe(true);
    expect(text(file)).toBe(GENERATED_DOCS[name]?.());
  });

  it('every runlens command shown in a shell block parses with the CLI parser', () => {
    const shown = pages.flatMap((f) => shownCommands(text(f)).map((argv) => ({ f: f.slice(ROOT.length + 1), argv })));
    expect(shown.length).toBeGreaterThan(20);
    const bad = shown.filter(({ argv: [sub, ...rest] }) => !sub || !isSubcommand(sub) || SUBCOMMANDS[sub].prepare(rest).kind === 'usage_error');
    expect(bad).toEqual([]);
  });

  it('every RUNLENS_* setting the docs name exists in the code or the deploy scripts', () => {
    const code = ['bin/src', 'collector/src', 'pipeline/src', 'analyzer/src', 'web/src', 'schemas/src', 'deploy'].flatMap((d) => sourceText(join(ROOT, d))).join('\n');
    const named = new Set(pages.flatMap((f) => [...text(f).matchAll(/\bRUNLENS_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0])));
    expect([...named].filter((v) => !code.includes(v))).toEqual([]);
  });
});
