/**
 * Escaping of untrusted text (module import/export names, manifest fields,
 * client-supplied names, file paths, guest messages) before it reaches a
 * terminal, a log or JSON output: control characters could otherwise move
 * the cursor, change colours, set the window title or forge extra lines, and
 * bidirectional controls could make a name read differently from what it is.
 *
 * @module
 */

// C0 controls, DEL, C1 controls (U+0080-U+009F, e.g. U+009B, the 8-bit CSI),
// the Unicode bidirectional marks (U+061C ALM, U+200E LRM, U+200F RLM),
// embeddings / overrides (U+202A-U+202E) and isolates (U+2066-U+2069), and
// the line / paragraph separators (U+2028, U+2029).
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const ANY_UNSAFE = new RegExp(UNSAFE.source);

// The same set without C0: in JSON text a C0 control can only be structural
// whitespace (JSON.stringify escapes every C0 control inside strings).
const UNSAFE_IN_JSON =
  /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = {
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Returns `text` with every control character (C0, DEL, C1), bidirectional
 * mark, embedding, override or isolate and line separator written as an
 * escape (`\n`, `\x1b`, `\x9b`, `\u202e`), so it prints as one inert line.
 * A backslash is kept as is.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : unicodeEscape(c);
  });
}

/** True when `text` has nothing {@link printable} would escape. */
export function isPrintable(text: string): boolean {
  return !ANY_UNSAFE.test(text);
}

/**
 * Returns JSON text (as written by `JSON.stringify`) with every character
 * {@link printable} would escape that `JSON.stringify` leaves raw (DEL, C1
 * controls, bidirectional controls, line separators) written as a `\uXXXX`
 * JSON escape. The result is valid JSON that parses back to exactly the same
 * value, and prints as inert text on a terminal.
 *
 * ```ts
 * import { printableJson } from "./printable.ts";
 * printableJson(JSON.stringify({ name: "a\u202eb" })); // {"name":"a\u202eb"} (escaped)
 * ```
 */
export function printableJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, unicodeEscape);
}
