import { readFileSync } from 'node:fs';

/** The first line of a file or of stdin (`-`), without its line end. */
export function secretFromFile(path: string): string {
  const text = readFileSync(path === '-' ? 0 : path, 'utf8');
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/**
 * Asks on the terminal without echo (raw mode: the characters are read here, never shown).
 * Backspace deletes; Ctrl-C and Ctrl-D give up.
 */
export function promptHidden(question: string, input: NodeJS.ReadStream = process.stdin, out: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    out.write(question);
    let typed = '';
    const done = (err: Error | null): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      out.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}

/** A new password: from the file (or `-`), from piped stdin, or asked twice on the terminal. */
export async function newPassword(passwordFile: string | undefined, label: string): Promise<string> {
  if (passwordFile !== undefined) return secretFromFile(passwordFile);
  if (!process.stdin.isTTY) return secretFromFile('-');
  const first = await promptHidden(`password for ${label}: `);
  const second = await promptHidden('again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}
