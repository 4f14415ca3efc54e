/**
 * Escaping of untrusted text (module import/export names, manifest fields,
 * client-supplied names, guest messages) before it reaches a terminal or a
 * log: control characters could otherwise move the cursor, change colours,
 * set the window title or forge extra lines.
 *
 * @module
 */

// C0 controls, DEL, C1 controls, and the Unicode bidirectional overrides /
// isolates and line/paragraph separators.
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = {
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * Returns `text` with every control character (C0, DEL, C1), bidirectional
 * override and line separator written as an escape (`\n`, `\x1b`,
 * `\u202e`), so it prints as one inert line. A backslash is kept as is.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** True when `text` has nothing {@link printable} would escape. */
export function isPrintable(text: string): boolean {
  return printable(text) === text;
}
