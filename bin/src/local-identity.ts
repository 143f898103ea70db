import type { Identity } from '@runlens/schemas';
import { userInfo } from 'node:os';

/**
 * The local data directory is private to its owner (0700), so whoever can open it sees all of
 * its runs, as the ops role would; a cluster store decides visibility by the dashboard's login.
 */
export const localOwner = (): Identity => ({ user: userInfo().username, role: 'admin' });
