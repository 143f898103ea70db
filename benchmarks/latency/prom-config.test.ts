import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, EXPORTER_YML, TUNED_PROFILE, alertmanagerYml, kindRuleFile, kindRules, prometheusYml, ruleFile } from './prom-config.ts';

const PROMTOOL = '/usr/bin/promtool';
const dir = mkdtempSync(join(tmpdir(), 'runlens-latency-promcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** promtool's verdict on a file; throws with its output when the file is refused. */
function promtool(args: readonly string[]): string {
  try {
    return execFileSync(PROMTOOL, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} refused it:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

describe.skipIf(!existsSync(PROMTOOL))('the peer configuration the latency bench writes', () => {
  it('Prometheus accepts the kind rules and a config that scrapes node-exporter, and the stopped rules of both profiles', () => {
    const kinds = join(dir, 'kinds.yml');
    writeFileSync(kinds, kindRuleFile(Object.values(kindRules(2))));
    writeFileSync(join(dir, 'prometheus.yml'), prometheusYml(TUNED_PROFILE, 9256, 9093, kinds, 9100));
    expect(promtool(['check', 'config', join(dir, 'prometheus.yml')])).toMatch(/3 rules found/);
    for (const p of [DEFAULT_PROFILE, TUNED_PROFILE]) {
      writeFileSync(join(dir, `stopped-${p.name}.yml`), ruleFile(p));
      expect(promtool(['check', 'rules', join(dir, `stopped-${p.name}.yml`)])).toMatch(/1 rules found/);
    }
  });

  it('Alertmanager routes each run to its own group', () => {
    expect(alertmanagerYml(TUNED_PROFILE, 1234)).toContain("group_by: ['alertname', 'groupname']");
  });
});

describe('process-exporter grouping', () => {
  // RE2's (?P<name>…) is JavaScript's (?<name>…).
  const patterns = [...EXPORTER_YML.matchAll(/cmdline: \['(.+)'\]/g)].map((m) => new RegExp((m[1] ?? '').replaceAll('(?P<', '(?<')));
  const group = (cmdline: string): string | null => {
    for (const re of patterns) {
      const m = re.exec(cmdline);
      if (m?.groups?.tag) return m.groups.tag;
    }
    return null;
  };

  it("names each run's group from its tag, and leaves the outside competitor out", () => {
    expect(group('sh -c stress-ng --cpu 2 --timeout 90s >/dev/null 2>&1; : lat-ci-0-mxb1c2')).toBe('lat-ci-0-mxb1c2');
    expect(group("sh -c trap 'stress-ng --cpu 2 --timeout 90s >/dev/null 2>&1 &' USR1; stress-ng --cpu 2 & until wait; do :; done; : lat-os-3-mxb1c2")).toBe('lat-os-3-mxb1c2');
    expect(group('/usr/bin/python3 /w/benchmarks/scenarios/generators/reread.py 256 90 /tmp/runlens-latency-kinds-Ab1/lat-mp-1-mxb1c2 lat-mp-1-mxb1c2')).toBe('lat-mp-1-mxb1c2');
    expect(group('node /w/benchmarks/latency/spin.mjs lat-prom-tuned-4 0.1 900')).toBe('lat-prom-tuned-4');
    expect(group('sh -c stress-ng --cpu 2 --timeout 90s >/dev/null 2>&1 & echo $! > /tmp/runlens-latency-kinds-Ab1/competitor-4242.pid')).toBeNull();
    expect(group('stress-ng --cpu 2 --timeout 90s')).toBeNull();
  });
});
