/*
 * Text from the measured system (app, command and process names, anything derived from them)
 * must not drive the user's terminal: an ESC or C1 byte in a name could recolour, move the
 * cursor, retitle the window or hide a line. Control characters are shown as visible escapes;
 * without its ESC a sequence is plain text. Bidi overrides are escaped too, so a name cannot
 * reorder what follows it.
 */
// C0 (incl. TAB, LF, CR), DEL, C1, and the bidi embedding/override/isolate characters.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of untrusted text, safe to print on a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
