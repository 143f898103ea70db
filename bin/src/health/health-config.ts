import { z } from 'zod';

/**
 * Where a role without a web server answers /healthz and /readyz. Off unless set, because
 * several replicas of a role may share a host; deploy/examples set one port per role.
 */
export const healthSchema = {
  RUNLENS_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RUNLENS_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
};
