/**
 * A linear pre-check of JSON nesting, run before `JSON.parse` on untrusted
 * text (guest output, client messages): V8 parses very deep nesting slowly
 * (a 1 MiB `[[[...]]]` takes hundreds of milliseconds on the main thread), so
 * text nested deeper than a bound is never handed to it.
 *
 * ```ts
 * import { jsonNestingExceeds } from "./json_depth.ts";
 *
 * jsonNestingExceeds('{"a":[1,[2]]}', 2); // true: three levels
 * jsonNestingExceeds('{"a":"[[[["}', 2); // false: brackets in strings do not count
 * ```
 * @module
 */

/**
 * True when `text` opens more than `max` arrays or objects inside each other
 * (brackets inside strings do not count). One pass over the text; stops at
 * the first level past `max`. Says nothing about whether `text` is valid.
 */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++; // an escape: skip the next character
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
