import { GPU_ENV_VARS, type SamplerId, samplerListSchema } from '@runlens/collector';
import { ConfigError } from '@runlens/schemas';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { type AlertConfig, alertProblem, alertSchema } from './roles/alert-config.ts';

/**
 * `RUNLENS_HTTP_ALLOWED_HOSTS`: extra names the HTTP server answers to in the Host header
 * (`name` on any port, or `name:port`), beyond loopback and the bind address.
 */
export const allowedHostsSchema = z.string().default('').transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean));

/** The embedded stack's configuration: env only, parsed once here and passed down. */
const schema = z.object({
  // `runlens up` forwards alerts like `runlens analyze` when a receiver is named; its own dashboard is the default link.
  ...alertSchema,
  RUNLENS_DASHBOARD_URL: alertSchema.RUNLENS_DASHBOARD_URL.removeDefault().optional(),
  RUNLENS_DATA_DIR: z.string().min(1).default(join(homedir(), '.runlens')),
  RUNLENS_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  RUNLENS_HOST: z.string().min(1).default(hostname()),
  RUNLENS_CLUSTER: z.string().min(1).default('local'),
  RUNLENS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(7070),
  RUNLENS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  RUNLENS_HTTP_ALLOWED_HOSTS: allowedHostsSchema,
  RUNLENS_SAMPLERS: samplerListSchema,
  RUNLENS_NODE_TYPES_FILE: z.string().min(1).optional(),
  RUNLENS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RUNLENS_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  RUNLENS_OTLP_ENDPOINT: z.string().url().optional(),
  ...inheritedShape(),
});

/**
 * What `runlens run` inherits from the scheduler and the shell: Slurm's job and cores on this
 * node, the GPUs made visible to it, what it preloads. Read as they come (never refused: a
 * value that does not parse falls back where it is used, see allocation.ts).
 */
function inheritedShape() {
  const visible = Object.fromEntries(GPU_ENV_VARS.map((v) => [v, z.string().optional()])) as Record<(typeof GPU_ENV_VARS)[number], z.ZodOptional<z.ZodString>>;
  return { SLURM_JOB_ID: z.string().default(''), SLURM_CPUS_ON_NODE: z.string().optional(), LD_PRELOAD: z.string().optional(), ...visible };
}
const inheritedKeys = Object.keys(inheritedShape()) as (keyof ReturnType<typeof inheritedShape>)[];
export type Inherited = Readonly<{ SLURM_JOB_ID: string } & Partial<Record<Exclude<(typeof inheritedKeys)[number], 'SLURM_JOB_ID'>, string>>>;

export interface EmbeddedConfig {
  readonly dataDir: string;
  readonly intervalMs: number;
  readonly host: string;
  readonly cluster: string;
  readonly httpPort: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly httpAllowedHosts: readonly string[];
  readonly samplers: readonly SamplerId[];
  /** JSON file of node types and prices (runlens select, runlens nodes); read when used. */
  readonly nodeTypesFile: string | undefined;
  /** Prometheus self-metrics of `runlens up` (GET /metrics); off unless set. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  /** OTLP/HTTP receiver for the series and findings (base URL); off unless set. */
  readonly otlpEndpoint: string | undefined;
  /** The scheduler's and the shell's variables a run inherits (job id, cores, visible GPUs, LD_PRELOAD), by their names. */
  readonly inherited: Inherited;
  /** Alertmanager / webhook forwarding; `RUNLENS_DASHBOARD_URL` unset means `up`'s own address. */
  readonly alerts: Omit<AlertConfig, 'RUNLENS_DASHBOARD_URL'> & { readonly RUNLENS_DASHBOARD_URL: string | undefined };
}

/** All problems at once, with the variable names. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): EmbeddedConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  const problem = alertProblem({ ...c, RUNLENS_DASHBOARD_URL: c.RUNLENS_DASHBOARD_URL ?? '' });
  if (problem) throw new ConfigError([problem]);
  return {
    dataDir: c.RUNLENS_DATA_DIR, intervalMs: c.RUNLENS_INTERVAL_MS, host: c.RUNLENS_HOST, cluster: c.RUNLENS_CLUSTER,
    httpPort: c.RUNLENS_HTTP_PORT, httpAllowedHosts: c.RUNLENS_HTTP_ALLOWED_HOSTS, logLevel: c.RUNLENS_LOG_LEVEL,
    samplers: c.RUNLENS_SAMPLERS, nodeTypesFile: c.RUNLENS_NODE_TYPES_FILE,
    metricsPort: c.RUNLENS_METRICS_PORT, metricsHost: c.RUNLENS_METRICS_HOST, otlpEndpoint: c.RUNLENS_OTLP_ENDPOINT,
    inherited: Object.fromEntries(inheritedKeys.flatMap((k) => (c[k] === undefined ? [] : [[k, c[k]]]))) as Inherited,
    alerts: {
      RUNLENS_ALERTMANAGER_URL: c.RUNLENS_ALERTMANAGER_URL, RUNLENS_ALERT_WEBHOOK_URL: c.RUNLENS_ALERT_WEBHOOK_URL,
      RUNLENS_ALERT_WEBHOOK_SECRET_FILE: c.RUNLENS_ALERT_WEBHOOK_SECRET_FILE, RUNLENS_DASHBOARD_URL: c.RUNLENS_DASHBOARD_URL,
      RUNLENS_CLUSTER: c.RUNLENS_CLUSTER, RUNLENS_ALERT_CLEAR_MS: c.RUNLENS_ALERT_CLEAR_MS, RUNLENS_ALERT_RESEND_MS: c.RUNLENS_ALERT_RESEND_MS,
      RUNLENS_ALERT_EVENT_HOLD_MS: c.RUNLENS_ALERT_EVENT_HOLD_MS,
      RUNLENS_ALERT_SPOOL_DIR: c.RUNLENS_ALERT_SPOOL_DIR ?? join(c.RUNLENS_DATA_DIR, 'alert-spool'),
      RUNLENS_ALERT_SPOOL_MAX_ALERTS: c.RUNLENS_ALERT_SPOOL_MAX_ALERTS, RUNLENS_ALERT_SPOOL_MAX_BYTES: c.RUNLENS_ALERT_SPOOL_MAX_BYTES,
      RUNLENS_ALERT_DEGRADED_AFTER_MS: c.RUNLENS_ALERT_DEGRADED_AFTER_MS,
    },
  };
}
