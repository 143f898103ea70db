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

/** `nodeExporterPort`: also scrape node-exporter (PSI, /proc/stat) as job `node`. */
export function prometheusYml(p: PromProfile, exporterPort: number, alertmanagerPort: number, rulesPath: string, nodeExporterPort?: number): string {
  const node = nodeExporterPort === undefined ? [] : ['  - job_name: node', `    static_configs: [{ targets: ['127.0.0.1:${nodeExporterPort}'] }]`];
  return [
    `global:${p.global.length ? '' : ' {}'}`, ...p.global.map((l) => `  ${l}`),
    'rule_files:', `  - ${rulesPath}`,
    'alerting:', '  alertmanagers:', `    - static_configs: [{ targets: ['127.0.0.1:${alertmanagerPort}'] }]`,
    'scrape_configs:', '  - job_name: process', `    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]`, ...node, '',
  ].join('\n');
}

/** Grouped per process group, so each fault is its own notification (not batched behind group_interval). */
export function alertmanagerYml(p: PromProfile, webhookPort: number): string {
  return [
    'route:', '  receiver: bench', "  group_by: ['alertname', 'groupname']", ...p.route.map((l) => `  ${l}`),
    'receivers:', '  - name: bench', '    webhook_configs:', `      - url: 'http://127.0.0.1:${webhookPort}/alert'`, '        send_resolved: false', '',
  ].join('\n');
}

/**
 * One process-exporter group per workload, named by the tag on its command line: the spinners of
 * the stopped-process fault, and the runs of the other kinds (`lat-<ci|os|mp>-<i>-<stamp>`, see
 * kinds.ts). A run's children join its group (process-exporter's `-children`, on by default).
 */
export const EXPORTER_YML = [
  'process_names:',
  "  - name: '{{.Matches.tag}}'", "    cmdline: ['spin\\.mjs (?P<tag>lat-prom-[a-z]+-[0-9]+)']",
  "  - name: '{{.Matches.tag}}'", "    cmdline: ['(?P<tag>lat-(?:ci|os|mp)-[0-9]+-[0-9a-z]+)']", '',
].join('\n');

/** The tuned peer's rules for the other fault kinds (kinds.ts): the rule an operator would write for each. */
export interface KindRule {
  /** Alertmanager's `alertname`; the alert's `groupname` names the run. */
  readonly alert: string;
  readonly expr: string;
}

/**
 * The window of every kind rule: 3 scrapes at 1 s, the minimum duration RunLens requires for these
 * kinds (3 ticks); `for: 0s`, since the window gives the persistence. `cores`: the run's allocation,
 * which the operator writes into the rule as they know it from the job's request.
 */
export const KIND_WINDOW = '3s';

export function kindRules(cores: number): Record<'cpu_interference' | 'oversubscription' | 'memory_pressure', KindRule> {
  const w = KIND_WINDOW;
  const g = (short: string): string => `groupname=~"lat-${short}-.+"`;
  return {
    // The job gets under 3/4 of its cores while tasks wait for a CPU (PSI, RunLens's 0.2), once the
    // group has 5 scrapes in 6 s (a new group's first rate() undercounts, as with the stopped rule).
    cpu_interference: { alert: 'JobCpuStarved', expr: [
      `sum by (groupname) (rate(namedprocess_namegroup_cpu_seconds_total{${g('ci')}}[${w}])) < ${0.75 * cores}`,
      `and on () rate(node_pressure_cpu_waiting_seconds_total[${w}]) > 0.2`,
      `and on (groupname) count_over_time(namedprocess_namegroup_num_procs{${g('ci')}}[6s]) >= 5`,
    ].join(' ') },
    // More runnable processes than allocated cores, on every scrape of the window.
    oversubscription: { alert: 'JobOversubscribed', expr: `min_over_time(namedprocess_namegroup_states{${g('os')},state="Running"}[${w}]) > ${cores}` },
    // The job is running while tasks stall on memory (PSI some, RunLens's 0.1); node-exporter and
    // process-exporter have no cgroup limit to compare usage against.
    memory_pressure: { alert: 'JobMemoryPressure', expr: [
      `max by (groupname) (namedprocess_namegroup_num_procs{${g('mp')}}) > 0`,
      `and on () rate(node_pressure_memory_waiting_seconds_total[${w}]) > 0.1`,
    ].join(' ') },
  };
}

/** A rules file holding `rules` (one group, `for: 0s`). */
export function kindRuleFile(rules: readonly KindRule[]): string {
  return ['groups:', '  - name: latency-kinds', '    rules:',
    ...rules.flatMap((r) => [`      - alert: ${r.alert}`, `        expr: '${r.expr}'`, '        for: 0s', '        labels: { severity: warning }']), ''].join('\n');
}
