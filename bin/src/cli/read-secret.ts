import { readFileSync } from 'node:fs';

/** The first line of a file or of stdin (`-`), without its line end. */
export function secretFromFile(path: string): string {
  const text = readFileSync(path === '-' ? 0 : path, 'utf8');
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/**
 * Asks each question in turn on the terminal without echo (raw mode: the characters are read
 * here, never shown), in one raw session so that pasted answers are not lost between prompts.
 * Backspace deletes; Ctrl-C and Ctrl-D give up.
 */
export function promptHidden(questions: readonly string[], input: NodeJS.ReadStream = process.stdin, out: NodeJS.WriteStream = process.stderr): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let typed = '';
    const done = (err: Error | null): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      if (err) {
        out.write('\n');
        reject(err);
      } else resolve(answers);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
        if (ch !== '\r' && ch !== '\n') {
          typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
          continue;
        }
        answers.push(typed);
        typed = '';
        out.write('\n');
        if (answers.length === questions.length) return done(null);
        out.write(questions[answers.length] ?? '');
      }
    };
    out.write(questions[0] ?? '');
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}

/** A new password: from the file (or `-`), from piped stdin, or asked twice on the terminal. */
export async function newPassword(passwordFile: string | undefined, label: string): Promise<string> {
  if (passwordFile !== undefined) return secretFromFile(passwordFile);
  if (!process.stdin.isTTY) return secretFromFile('-');
  const [first = '', second] = await promptHidden([`password for ${label}: `, 'again: ']);
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}
