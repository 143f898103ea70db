import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * A variable that names a file whose contents are the setting (a password, a CA). The file
 * is read while the config is parsed, so an unreadable one is reported with every other
 * problem, under the variable's name. The parsed value is the contents, never logged: keys
 * holding secrets end in _PASSWORD or _PASSWORD_FILE, which the logger redacts.
 */
function fileContents(kind: 'secret' | 'pem'): z.ZodType<string, string> {
  return z.string().min(1).transform((path, ctx) => {
    try {
      const text = readFileSync(path, 'utf8');
      const value = kind === 'secret' ? text.replace(/\r?\n$/, '') : text;
      if (value.length === 0) ctx.issues.push({ code: 'custom', message: `${path} is empty`, input: path });
      else if (kind === 'pem' && !value.includes('-----BEGIN CERTIFICATE-----')) ctx.issues.push({ code: 'custom', message: `${path} holds no PEM certificate`, input: path });
      return value;
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, input: path });
      return z.NEVER;
    }
  });
}

/** A password file: one line; a trailing newline (as `echo` writes) is not part of it. */
export const secretFile = (): z.ZodType<string, string> => fileContents('secret');
/** A PEM CA bundle. */
export const pemFile = (): z.ZodType<string, string> => fileContents('pem');

/** The password from `plain` or `file`, never both; `owner` names the variables in the problem. */
export function onePassword(plain: string | undefined, file: string | undefined, owner: string): { password?: string; problem?: string } {
  if (plain !== undefined && file !== undefined) return { problem: `${owner}_PASSWORD and ${owner}_PASSWORD_FILE: set one, not both` };
  const password = plain ?? file;
  return password === undefined ? {} : { password };
}
