import { UserAdminError, addUser, listUsers, removeUser, setRole } from '@runlens/web';
import { EXIT } from '../cli/exit-codes.ts';
import { newPassword } from '../cli/read-secret.ts';
import { dataPaths } from '../data-dir.ts';
import type { UserArgs } from './user-args.ts';

/** `runlens user add|list|set-role|remove`: users.json in the data directory (web/src/user-admin.ts). */
export async function userCommand(args: UserArgs, dataDir: string): Promise<number> {
  const path = dataPaths(dataDir).users;
  try {
    switch (args.action) {
      case 'list': {
        const users = listUsers(path);
        const width = Math.max(4, ...users.map((u) => u.user.length)) + 2;
        process.stdout.write(`${'user'.padEnd(width)}role\n${users.map((u) => `${u.user.padEnd(width)}${u.role}\n`).join('')}`);
        return EXIT.ok;
      }
      case 'add':
        addUser(path, args.user, args.role, await newPassword(args.passwordFile, args.user));
        return said(`added ${args.user} (${args.role}) to ${path}`);
      case 'set-role':
        setRole(path, args.user, args.role);
        return said(`${args.user} is now ${args.role}`);
      case 'remove':
        removeUser(path, args.user);
        return said(`removed ${args.user}; their open sessions end at their next request`);
    }
  } catch (e) {
    // Every failure here is the user's to fix (a refusal, a cancelled prompt, an unreadable
    // password file, a users.json edited by hand into something that does not parse): say it.
    const why = e instanceof UserAdminError ? e.message : `${e instanceof Error ? e.message : String(e)} (users file: ${path})`;
    process.stderr.write(`runlens: ${why}\n`);
    return EXIT.failure;
  }
}

function said(line: string): number {
  process.stderr.write(`runlens: ${line}\n`);
  return EXIT.ok;
}
