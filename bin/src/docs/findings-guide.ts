import { detectorRegistry } from '@runlens/analyzer';
import { FINDING_KINDS, type FindingKind } from '@runlens/schemas';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DETECTORS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'analyzer', 'src', 'detectors');

/** Kinds decided outside the detector registry. */
const ELSEWHERE: Partial<Record<FindingKind, { meaning: string; where: string }>> = {
  regression: { meaning: 'The run is slower than its application\'s baseline (same app, same node type), with the resource that changed.', where: 'analyzer/src/model/regression.ts' },
  memory_bandwidth_bound: { meaning: 'Near the node\'s peak memory bandwidth. Needs hardware PMU counters; where there are none the report says undeterminable, never a guess.', where: 'analyzer/src/report/build-report.ts' },
};

/** The README's opening paragraph and its bullets on evidence and advice. */
function fromReadme(kind: string): { intro: string; bullets: string[] } {
  const file = join(DETECTORS, kind, 'README.md');
  if (!existsSync(file)) return { intro: '', bullets: [] };
  const text = readFileSync(file, 'utf8');
  const intro = (text.split(/\n#+ .*\n/)[0] ?? '').replace(/^# .*\n+/, '').split(/\n\s*\n/)[0]?.replace(/\s*\n\s*/g, ' ').trim() ?? '';
  const bullets = text.split(/\n\s*\n/).flatMap((para) => para.split(/\n(?=- )/)).map((b) => b.replace(/\s*\n\s*/g, ' ').trim())
    .filter((b) => /^- (Evidence|Advice)\b/i.test(b) || /^- .*\b[Aa]dvice (says|names|is)\b/.test(b));
  return { intro, bullets };
}

/** docs/findings.md: every kind of the vocabulary, what it means, the evidence it carries, its advice. */
export function findingsGuide(): string {
  const detectors = detectorRegistry as Partial<Record<FindingKind, { description: string }>>;
  const sections = FINDING_KINDS.map((kind) => {
    const other = ELSEWHERE[kind];
    const meaning = detectors[kind]?.description ?? other?.meaning ?? '';
    const { intro, bullets } = fromReadme(kind);
    const source = other ? other.where : `analyzer/src/detectors/${kind}/README.md`;
    return [`## ${kind}`, '', `**${meaning}**`, ...(intro ? ['', intro] : []), ...(bullets.length ? ['', ...bullets] : []), '', `Rule, thresholds and caveats: [${source}](../${source}).`, ''].join('\n');
  });
  return `# Findings

<!-- Generated from the findings vocabulary (schemas/src/findings.ts), the detector registry and
     each detector's README by \`npx tsx bin/src/docs/write-docs.ts\`; bin/src/docs/docs.test.ts
     fails when this file is stale. Do not edit by hand. -->

Every finding has a kind (below), a severity (info, warning, critical), a scope (run, host,
rank, pid, gpu, port), a time range, a confidence (0-1), evidence (the numbers and the
thresholds that fired), a one-line message and advice. The kinds are stable ids: the report,
the store, the API, alerts and the OTLP export (\`runlens.finding.kind\`) all use them.

| kind | meaning |
|---|---|
${FINDING_KINDS.map((k) => `| [\`${k}\`](#${k}) | ${detectors[k]?.description ?? ELSEWHERE[k]?.meaning ?? ''} |`).join('\n')}

${sections.join('\n')}`;
}
