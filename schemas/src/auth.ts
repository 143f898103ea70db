import { z } from 'zod';

/** Who may see what: a user sees their own runs; ops and admin see every run and the ops views. */
export const ROLES = ['user', 'ops', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export interface Identity {
  readonly user: string;
  readonly role: Role;
}

export function canSeeAll(id: Identity): boolean {
  return id.role === 'ops' || id.role === 'admin';
}

/** The web UI's signed session cookie. */
export const SESSION_COOKIE = 'runlens_session';
