import { ROLES, type Role } from '@runlens/schemas';
import { type CommandSpec, type Stop, parseCommand, usageError } from '../cli/parse-command.ts';

export type UserArgs =
  | { readonly action: 'list' }
  | { readonly action: 'add'; readonly user: string; readonly role: Role; readonly passwordFile: string | undefined }
  | { readonly action: 'set-role'; readonly user: string; readonly role: Role }
  | { readonly action: 'remove'; readonly user: string };

export const USER_SPEC: CommandSpec = {
  name: 'runlens user',
  options: { role: { type: 'string' }, 'password-file': { type: 'string' } },
  positionals: 3,
};

export const USER_USAGE = `usage: runlens user add NAME [--role ROLE] [--password-file FILE]
       runlens user list
       runlens user set-role NAME ROLE
       runlens user remove NAME

Manages the dashboard's users in RUNLENS_DATA_DIR/users.json (scrypt hashes, mode 0600,
replaced atomically; a running runlens up or dashboard picks the change up at once).
Roles: user (sees own runs), ops (every run and the ops views), admin (as ops).
The password is never an argument: it is asked twice without echo on a terminal, or read
from the first line of FILE (- for stdin), or of stdin when that is not a terminal.
The last admin cannot be removed or demoted.

options:
  --role ROLE           add: user, ops or admin (default user)
  --password-file FILE  add: read the password from FILE's first line (- for stdin)
  -h, --help            this help`;

const ARITY = { list: 0, add: 1, 'set-role': 2, remove: 1 } as const;
type Action = keyof typeof ARITY;

function role(value: string | true | undefined): Role | null {
  const v = typeof value === 'string' ? value : 'user';
  return (ROLES as readonly string[]).includes(v) ? (v as Role) : null;
}

export function parseUserArgs(argv: readonly string[]): UserArgs | Stop {
  const p = parseCommand(USER_SPEC, argv);
  if (p.kind !== 'ok') return p;
  const [action, ...rest] = p.positionals;
  if (action === undefined || !Object.hasOwn(ARITY, action)) return usageError(USER_SPEC, `${action === undefined ? 'no action' : `unknown action ${action}`} (add, list, set-role, remove)`);
  const a = action as Action;
  if (rest.length !== ARITY[a]) return usageError(USER_SPEC, `runlens user ${a} takes ${ARITY[a] === 2 ? 'NAME ROLE' : ARITY[a] === 1 ? 'NAME' : 'no arguments'}`);
  if ((p.values.role !== undefined || p.values['password-file'] !== undefined) && a !== 'add') return usageError(USER_SPEC, '--role and --password-file are options of runlens user add');
  const user = rest[0] ?? '';
  if (a === 'list') return { action: a };
  if (a === 'remove') return { action: a, user };
  const r = role(a === 'add' ? p.values.role : rest[1]);
  if (r === null) return usageError(USER_SPEC, `unknown role; choose one of ${ROLES.join(', ')}`);
  if (a === 'set-role') return { action: a, user, role: r };
  const file = p.values['password-file'];
  return { action: a, user, role: r, passwordFile: typeof file === 'string' ? file : undefined };
}
