/**
 * The peer's configuration. `default` leaves every timing at its default (scrape_interval 1m,
 * evaluation_interval 1m; Alertmanager group_wait 30s, group_interval 5m); `tuned` scrapes
 * and evaluates every second and lets Alertmanager send at once.
 */
export interface PromProfile {
  readonly name: 'default' | 'tuned';
  /** Lines under `global:`; none for Prometheus's defaults. */
  readonly global: readonly string[];
  /** The rate() window: the shortest that holds two scrapes (default), or RunLens's 10 s idle minimum (tuned). */
  readonly rateWindow: string;
  /** Extra lines under Alertmanager's `route:`; none for its defaults. */
  readonly route: readonly string[];
  readonly scrapeIntervalS: number;
  /** Scrapes a full rate() window holds (a little slack for jitter): the young-series guard. */
  readonly fullWindowSamples: number;
}

export const DEFAULT_PROFILE: PromProfile = { name: 'default', global: [], rateWindow: '2m', route: [], scrapeIntervalS: 60, fullWindowSamples: 2 };
export const TUNED_PROFILE: PromProfile = {
  name: 'tuned', global: ['scrape_interval: 1s', 'evaluation_interval: 1s'], rateWindow: '10s',
  route: ['group_wait: 0s', 'group_interval: 1s'], scrapeIntervalS: 1, fullWindowSamples: 9,
};

/** The same threshold as RunLens's idle detector (analyzer/src/detectors/idle: 0.02 cores). */
export const IDLE_CORES = 0.02;

/**
 * The rule an operator would write for "the job's process has stopped doing anything": CPU
 * rate below RunLens's idle threshold, over a window that must be full. Without that guard a
 * new process alerts at once: rate() over a series younger than its window divides a few
 * seconds of CPU by the whole window (seen here: every new workload alerted under `tuned`).
 */
export function ruleFile(p: PromProfile): string {
  const sel = '{groupname=~"lat-.+"}';
  return [
    'groups:',
    '  - name: latency',
    '    rules:',
    '      - alert: JobProcessHung',
    `        expr: sum by (groupname) (rate(namedprocess_namegroup_cpu_seconds_total${sel}[${p.rateWindow}])) < ${IDLE_CORES}`,
    `          and on (groupname) count_over_time(namedprocess_namegroup_num_procs${sel}[${p.rateWindow}]) >= ${p.fullWindowSamples}`,
    '        for: 0s',
    '        labels: { severity: warning }',
    `        annotations: { summary: "{{ $labels.groupname }} used no CPU over ${p.rateWindow}" }`,
    '',
  ].join('\n');
}

export function prometheusYml(p: PromProfile, exporterPort: number, alertmanagerPort: number, rulesPath: string): string {
  return [
    `global:${p.global.length ? '' : ' {}'}`, ...p.global.map((l) => `  ${l}`),
    'rule_files:', `  - ${rulesPath}`,
    'alerting:', '  alertmanagers:', `    - static_configs: [{ targets: ['127.0.0.1:${alertmanagerPort}'] }]`,
    'scrape_configs:', '  - job_name: process', `    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]`, '',
  ].join('\n');
}

/** Grouped per process group, so each fault is its own notification (not batched behind group_interval). */
export function alertmanagerYml(p: PromProfile, webhookPort: number): string {
  return [
    'route:', '  receiver: bench', "  group_by: ['alertname', 'groupname']", ...p.route.map((l) => `  ${l}`),
    'receivers:', '  - name: bench', '    webhook_configs:', `      - url: 'http://127.0.0.1:${webhookPort}/alert'`, '        send_resolved: false', '',
  ].join('\n');
}

/** One process-exporter group per workload, named by the tag on its command line. */
export const EXPORTER_YML = "process_names:\n  - name: '{{.Matches.tag}}'\n    cmdline: ['spin\\.mjs (?P<tag>lat-prom-[a-z]+-[0-9]+)']\n";
