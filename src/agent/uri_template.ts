/**
 * RFC 6570 URI templates, levels 1 to 3, for MCP resource templates
 * (`resources/templates/list`): {@link parseUriTemplate} validates a template,
 * {@link expandUriTemplate} fills it in and {@link matchUriTemplate} does the
 * inverse, finding the variable values of a URI a client asked to read.
 *
 * ## Templates
 *
 * Expressions use the level 1-3 operators: `{var}` (simple), `{+var}`
 * (reserved), `{#var}` (fragment), `{.var}` (label), `{/var}` (path segment),
 * `{;var}` (path parameter), `{?var}` (query) and `{&var}` (query
 * continuation), each with one or more comma-separated variable names. The
 * level 4 modifiers (`{var:3}` prefix, `{var*}` explode) and the operators
 * RFC 6570 reserves for future extensions (`=`, `,`, `!`, `@`, `|`) are
 * refused with a {@link UriTemplateError}, as are an unclosed `{`, an empty
 * expression, a character a literal may not hold (space, `"`, `'`, `<`, `>`,
 * `\`, `^`, `` ` ``, `|`, `}`, controls, a `%` not starting a `%XX` triplet),
 * a template longer than {@link MAX_URI_TEMPLATE_LENGTH} characters and one
 * with more than {@link MAX_URI_TEMPLATE_EXPRESSIONS} expressions.
 *
 * ## Expansion
 *
 * Values are strings; a missing or `undefined` (or `null`) value is left out
 * and an empty string is kept, both as RFC 6570 section 3.2.1 says (`{?a}`
 * with `a = ""` gives `?a=`, `{;a}` gives `;a`, `{/a}` gives `/`). Values are
 * UTF-8 encoded and every character outside the unreserved set
 * (`A-Z a-z 0-9 - . _ ~`) is percent-encoded, except that `{+var}` and
 * `{#var}` also keep the reserved characters (`:/?#[]@!$&'()*+,;=`) and
 * `%XX` triplets as they are. A lone surrogate in a value is encoded as
 * U+FFFD (as `TextEncoder` does).
 *
 * ## Matching
 *
 * {@link matchUriTemplate} reads the URI once from left to right, without
 * backtracking, so its time is linear in the URI's length times the number of
 * expressions, whatever the input. The rules:
 *
 * - Literal text must appear exactly (case-sensitively; non-ASCII literal
 *   characters as their `%XX` UTF-8 encoding, as expansion writes them).
 * - A value ends at the first character its operator does not allow in it:
 *   `{x}`, `{.x}` and `{/x}` values never hold `/ ? # & ,`; `{;x}` values
 *   never hold those nor `;`; `{?x}` and `{&x}` values never hold `&` or `#`;
 *   `{+x}` and `{#x}` values may hold anything (`/`, `?`, `#` included).
 *   In an expression with several variables, a value that is not the
 *   expression's last also ends at the separator (`,` for `{x,y}`, `{+x,y}`
 *   and `{#x,y}`, `.` for `{.x,y}`).
 * - A value also ends at the first occurrence of the literal text that
 *   follows its expression (`test://template/{id}/data`: `id` ends at the
 *   first `/data`), or, when another expression follows directly, at that
 *   expression's leading character (`{+path}{?q}`: `path` ends at the first
 *   `?`; with no leading character, as in `{a}{b}`, the first takes all it
 *   can). The template's last expression instead runs up to the literal the
 *   template ends with, found at the end of the URI. So a `{+path}` followed
 *   by more template cannot hold the text that follows it; put it last, as
 *   in `repo://{owner}/{repo}/blob/{+path}`.
 * - `{x,y}`, `{+x,y}`, `{#x,y}`, `{.x,y}` and `{/x,y}` values are assigned in
 *   order: `{/x,y}` matching `/a` gives `{ x: "a" }` (y absent). An
 *   expression with a leading character (`{.x}`, `{/x}`, `{#x}`) whose
 *   character is not there gives no value (the variables are absent); an
 *   empty `{x}` or `{+x}` gives its first variable the empty string.
 * - `{?a,b}`, `{&a,b}` and `{;a,b}` read `name=value` pairs, in any order,
 *   each name at most once; names not listed end the expression (then the
 *   rest of the template must match them, so `?a=1&other=2` against `{?a}`
 *   is no match). `name` and `name=` both give the empty string.
 * - Values are percent-decoded as UTF-8 (`+` stays `+`); a `%` not followed
 *   by two hex digits, an invalid UTF-8 sequence or a lone surrogate makes the
 *   URI not match (`null`, never an exception). A variable appearing in
 *   several expressions must get the same value in each.
 *
 * For any template and values that contain none of the characters that end
 * them (above) nor the literal that follows their expression, matching the
 * expansion gives the values back (those that were defined; see the
 * ambiguities of absent values just above). `{+x}` and `{#x}` keep `%XX`
 * triplets of the value as they are, so such a value comes back decoded.
 *
 * When several templates match a URI (`file:///{path}` and
 * `file:///{name}.txt`), the caller should take the first one in the order
 * they are declared (the manifest order), and list the more specific
 * templates first.
 *
 * @example Serving `resources/read` for a resource template
 * ```ts
 * import { parseUriTemplate } from "./uri_template.ts";
 *
 * const templates = [
 *   parseUriTemplate("users://{userId}/profile{?fields}"),
 *   parseUriTemplate("repo://{owner}/{repo}/blob/{+path}"),
 * ];
 * const uri = "repo://denoland/deno/blob/cli/main.rs";
 * for (const t of templates) {
 *   const vars = t.match(uri); // first match in manifest order wins
 *   if (vars) {
 *     console.log(t.text, vars); // { owner: "denoland", repo: "deno", path: "cli/main.rs" }
 *     break;
 *   }
 * }
 * ```
 *
 * @module
 */

/**
 * The longest template {@link parseUriTemplate} accepts, in UTF-16 code
 * units.
 *
 * @example
 * ```ts
 * import { MAX_URI_TEMPLATE_LENGTH } from "./uri_template.ts";
 * console.log(MAX_URI_TEMPLATE_LENGTH); // 1024
 * ```
 */
export const MAX_URI_TEMPLATE_LENGTH = 1024;

/**
 * The most expressions (`{...}`) a template {@link parseUriTemplate} accepts
 * may hold.
 *
 * @example
 * ```ts
 * import { MAX_URI_TEMPLATE_EXPRESSIONS } from "./uri_template.ts";
 * console.log(MAX_URI_TEMPLATE_EXPRESSIONS); // 32
 * ```
 */
export const MAX_URI_TEMPLATE_EXPRESSIONS = 32;

/**
 * An invalid URI template: the message is one line naming the problem and,
 * when there is one, its offset (0-based, in UTF-16 code units) in the
 * template, which is also in {@link UriTemplateError.offset}.
 *
 * @example
 * ```ts
 * import { parseUriTemplate, UriTemplateError } from "./uri_template.ts";
 * try {
 *   parseUriTemplate("users://{id");
 * } catch (e) {
 *   if (e instanceof UriTemplateError) console.log(e.message, e.offset);
 *   // unclosed expression: '{' at offset 8 has no matching '}' 8
 * }
 * ```
 */
export class UriTemplateError extends Error {
  /** Offset in the template of the problem, when it has one. */
  readonly offset: number | undefined;

  /**
   * Makes an error with `message` about the character at `offset`.
   *
   * @example
   * ```ts
   * import { UriTemplateError } from "./uri_template.ts";
   * const e = new UriTemplateError("empty expression '{}' at offset 3", 3);
   * console.log(e.name, e.offset); // UriTemplateError 3
   * ```
   */
  constructor(message: string, offset?: number) {
    super(message);
    this.name = "UriTemplateError";
    this.offset = offset;
  }
}

/**
 * A parsed, valid URI template (levels 1 to 3). Make one with
 * {@link parseUriTemplate} (or `new UriTemplate(text)`, the same thing).
 *
 * @example
 * ```ts
 * import { parseUriTemplate } from "./uri_template.ts";
 * const t = parseUriTemplate("users://{userId}/profile{?fields}");
 * t.variables; // ["userId", "fields"]
 * t.expand({ userId: "42", fields: "name" }); // "users://42/profile?fields=name"
 * t.match("users://42/profile"); // { userId: "42" }
 * ```
 */
export class UriTemplate {
  /** The template text, as given. */
  readonly text: string;
  /**
   * The names of the template's variables, each once, in the order they
   * first appear (frozen).
   */
  readonly variables: readonly string[];
  // Expanded literals (non-ASCII characters percent-encoded): one more than
  // expressions; #literals[i] precedes #expressions[i].
  #literals: string[];
  #expressions: Expression[];

  /**
   * Parses `text`, as {@link parseUriTemplate} does.
   *
   * @example
   * ```ts
   * import { UriTemplate } from "./uri_template.ts";
   * new UriTemplate("file:///{+path}").variables; // ["path"]
   * ```
   *
   * @throws {UriTemplateError} when `text` is not a valid level 1-3 template.
   */
  constructor(text: string) {
    const { literals, expressions } = parse(text);
    this.text = text;
    this.#literals = literals;
    this.#expressions = expressions;
    const seen = new Set<string>();
    for (const e of expressions) for (const n of e.names) seen.add(n);
    this.variables = Object.freeze([...seen]);
  }

  /**
   * Expands the template with `vars`, as {@link expandUriTemplate} does.
   *
   * @example
   * ```ts
   * import { parseUriTemplate } from "./uri_template.ts";
   * parseUriTemplate("test://template/{id}/data").expand({ id: "a b" });
   * // "test://template/a%20b/data"
   * ```
   *
   * @throws {TypeError} when a value is neither a string nor undefined/null.
   */
  expand(vars: Readonly<Record<string, string | undefined>>): string {
    let out = this.#literals[0];
    for (let i = 0; i < this.#expressions.length; i++) {
      out += expandExpression(this.#expressions[i], vars);
      out += this.#literals[i + 1];
    }
    return out;
  }

  /**
   * The variable values `uri` was expanded from, or `null` when it does not
   * match, as {@link matchUriTemplate} does.
   *
   * @example
   * ```ts
   * import { parseUriTemplate } from "./uri_template.ts";
   * parseUriTemplate("repo://{owner}/{repo}/blob/{+path}")
   *   .match("repo://o/r/blob/src/a%20b.ts"); // { owner: "o", repo: "r", path: "src/a b.ts" }
   * ```
   */
  match(uri: string): Record<string, string> | null {
    if (typeof uri !== "string") return null;
    const lits = this.#literals;
    const exprs = this.#expressions;
    if (!uri.startsWith(lits[0])) return null;
    if (exprs.length === 0) return uri === lits[0] ? {} : null;
    const last = lits[lits.length - 1];
    const end = uri.length - last.length;
    let pos = lits[0].length;
    if (end < pos || !uri.endsWith(last)) return null;
    const values = new Map<string, string>();
    for (let k = 0; k < exprs.length; k++) {
      const isLast = k === exprs.length - 1;
      let limit = end;
      let stopChar = -1;
      if (!isLast) {
        const lit = lits[k + 1];
        if (lit.length > 0) {
          const at = uri.indexOf(lit, pos);
          if (at < 0) return null;
          if (at < limit) limit = at;
        } else {
          const first = OPS[exprs[k + 1].op].first;
          if (first !== "") stopChar = first.charCodeAt(0);
        }
      }
      if (limit < pos) return null;
      pos = matchExpression(exprs[k], uri, pos, limit, stopChar, values);
      if (pos < 0) return null;
      if (isLast) {
        if (pos !== end) return null;
      } else {
        const lit = lits[k + 1];
        if (!uri.startsWith(lit, pos)) return null;
        pos += lit.length;
      }
    }
    // fromEntries defines own properties, so a variable named `__proto__`
    // is an ordinary key.
    return Object.fromEntries(values);
  }

  /**
   * The template text.
   *
   * @example
   * ```ts
   * import { parseUriTemplate } from "./uri_template.ts";
   * String(parseUriTemplate("file:///{path}")); // "file:///{path}"
   * ```
   */
  toString(): string {
    return this.text;
  }
}

/**
 * Parses and validates an RFC 6570 URI template of level 1, 2 or 3.
 *
 * @example
 * ```ts
 * import { parseUriTemplate } from "./uri_template.ts";
 * const t = parseUriTemplate("repo://{owner}/{repo}/blob/{+path}");
 * t.variables; // ["owner", "repo", "path"]
 * // parseUriTemplate("x://{id*}") throws: level 4 is not supported
 * ```
 *
 * @throws {UriTemplateError} naming the problem and its offset when `text`
 * is not a valid level 1-3 template or exceeds the limits.
 */
export function parseUriTemplate(text: string): UriTemplate {
  return new UriTemplate(text);
}

/**
 * Expands `t` with `vars` (RFC 6570 section 3, string values). A variable
 * missing from `vars` (own properties only) or `undefined`/`null` is left
 * out; an empty string is kept.
 *
 * @example
 * ```ts
 * import { expandUriTemplate, parseUriTemplate } from "./uri_template.ts";
 * const t = parseUriTemplate("users://{userId}/profile{?fields,lang}");
 * expandUriTemplate(t, { userId: "ü 1", fields: "name,email" });
 * // "users://%C3%BC%201/profile?fields=name%2Cemail"
 * ```
 *
 * @throws {TypeError} when a value is neither a string nor undefined/null.
 */
export function expandUriTemplate(
  t: UriTemplate,
  vars: Readonly<Record<string, string | undefined>>,
): string {
  return t.expand(vars);
}

/**
 * The percent-decoded variable values of `uri` when it could have been made
 * by expanding `t` (under the matching rules of this module's documentation),
 * else `null`. Variables the URI leaves out are absent from the result.
 * Never throws on any input, and takes time linear in `uri.length` times the
 * number of expressions. When several templates match, take the first in
 * manifest order.
 *
 * @example
 * ```ts
 * import { matchUriTemplate, parseUriTemplate } from "./uri_template.ts";
 * const t = parseUriTemplate("users://{userId}/profile{?fields}");
 * matchUriTemplate(t, "users://42/profile?fields=name"); // { userId: "42", fields: "name" }
 * matchUriTemplate(t, "users://42/profile"); // { userId: "42" }
 * matchUriTemplate(t, "users://4/2/profile"); // null
 * ```
 */
export function matchUriTemplate(
  t: UriTemplate,
  uri: string,
): Record<string, string> | null {
  return t.match(uri);
}

// ---------------------------------------------------------------------------
// Operators

type Op = "" | "+" | "#" | "." | "/" | ";" | "?" | "&";

interface Expression {
  op: Op;
  names: string[];
}

interface OpSpec {
  /** Written before the first defined value. */
  first: string;
  /** Written between defined values. */
  sep: string;
  /** `name=value` pairs. */
  named: boolean;
  /** Written after the name for an empty value. */
  ifemp: string;
  /** Reserved characters and `%XX` triplets kept in values. */
  reserved: boolean;
  /** ASCII characters that end a value when matching (1 = ends). */
  stops: Uint8Array;
}

function stopTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const PATHISH_STOPS = stopTable("/?#&,");

const OPS: Record<Op, OpSpec> = {
  "": {
    first: "",
    sep: ",",
    named: false,
    ifemp: "",
    reserved: false,
    stops: PATHISH_STOPS,
  },
  "+": {
    first: "",
    sep: ",",
    named: false,
    ifemp: "",
    reserved: true,
    stops: stopTable(""),
  },
  "#": {
    first: "#",
    sep: ",",
    named: false,
    ifemp: "",
    reserved: true,
    stops: stopTable(""),
  },
  ".": {
    first: ".",
    sep: ".",
    named: false,
    ifemp: "",
    reserved: false,
    stops: PATHISH_STOPS,
  },
  "/": {
    first: "/",
    sep: "/",
    named: false,
    ifemp: "",
    reserved: false,
    stops: PATHISH_STOPS,
  },
  ";": {
    first: ";",
    sep: ";",
    named: true,
    ifemp: "",
    reserved: false,
    stops: stopTable("/?#&,;"),
  },
  "?": {
    first: "?",
    sep: "&",
    named: true,
    ifemp: "=",
    reserved: false,
    stops: stopTable("&#"),
  },
  "&": {
    first: "&",
    sep: "&",
    named: true,
    ifemp: "=",
    reserved: false,
    stops: stopTable("&#"),
  },
};

const OPERATORS = "+#./;?&";
const RESERVED_OPERATORS = "=,!@|";

// ---------------------------------------------------------------------------
// Character classes

const UNRESERVED = 1;
const RESERVED = 2;
const LITERAL = 4; // ASCII characters allowed as is in a template literal
const VARCHAR = 8; // ALPHA / DIGIT / "_"

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-._~]/.test(ch)) CLASS[c] |= UNRESERVED;
  if (/[:/?#[\]@!$&'()*+,;=]/.test(ch)) CLASS[c] |= RESERVED;
  // RFC 6570 section 2.1: %x21 / %x23-24 / %x26 / %x28-3B / %x3D / %x3F-5B
  // / %x5D / %x5F / %x61-7A / %x7E (and pct-encoded, checked apart).
  if (
    c === 0x21 || c === 0x23 || c === 0x24 || c === 0x26 ||
    (c >= 0x28 && c <= 0x3b) || c === 0x3d || (c >= 0x3f && c <= 0x5b) ||
    c === 0x5d || c === 0x5f || (c >= 0x61 && c <= 0x7a) || c === 0x7e
  ) CLASS[c] |= LITERAL;
  if (/[A-Za-z0-9_]/.test(ch)) CLASS[c] |= VARCHAR;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) ||
    (c >= 0x61 && c <= 0x66);
}

/** RFC 6570 ucschar / iprivate: non-ASCII characters allowed in literals. */
function isUcsOrPrivate(cp: number): boolean {
  if (cp >= 0xa0 && cp <= 0xd7ff) return true;
  if (cp >= 0xe000 && cp <= 0xfdcf) return true; // iprivate E000-F8FF + F900-FDCF
  if (cp >= 0xfdf0 && cp <= 0xffef) return true;
  if (cp >= 0x10000 && cp <= 0x10fffd) {
    // the last two code points of each plane are excluded (ucschar ranges
    // are %x10000-1FFFD ... %xE1000-EFFFD; iprivate F0000-FFFFD,
    // 100000-10FFFD); plane 14 starts at E1000.
    if ((cp & 0xfffe) === 0xfffe) return false;
    if (cp >= 0xe0000 && cp < 0xe1000) return false;
    return true;
  }
  return false;
}

const HEX_BYTE: string[] = [];
for (let b = 0; b < 256; b++) {
  HEX_BYTE.push("%" + b.toString(16).toUpperCase().padStart(2, "0"));
}

function pctUtf8(cp: number): string {
  if (cp < 0x80) return HEX_BYTE[cp];
  if (cp < 0x800) {
    return HEX_BYTE[0xc0 | (cp >> 6)] + HEX_BYTE[0x80 | (cp & 0x3f)];
  }
  if (cp < 0x10000) {
    return HEX_BYTE[0xe0 | (cp >> 12)] + HEX_BYTE[0x80 | ((cp >> 6) & 0x3f)] +
      HEX_BYTE[0x80 | (cp & 0x3f)];
  }
  return HEX_BYTE[0xf0 | (cp >> 18)] + HEX_BYTE[0x80 | ((cp >> 12) & 0x3f)] +
    HEX_BYTE[0x80 | ((cp >> 6) & 0x3f)] + HEX_BYTE[0x80 | (cp & 0x3f)];
}

/**
 * Percent-encodes `value` as UTF-8, keeping unreserved characters and, with
 * `reserved`, reserved characters and `%XX` triplets.
 */
function encode(value: string, reserved: boolean): string {
  let out = "";
  let run = 0; // start of the pending run of characters kept as they are
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) {
      const cls = CLASS[c];
      if ((cls & UNRESERVED) || (reserved && (cls & RESERVED))) continue;
      if (
        reserved && c === 0x25 && isHex(value.charCodeAt(i + 1)) &&
        isHex(value.charCodeAt(i + 2))
      ) {
        i += 2;
        continue;
      }
      out += value.slice(run, i) + HEX_BYTE[c];
      run = i + 1;
      continue;
    }
    let cp = c;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        width = 2;
      } else cp = 0xfffd;
    } else if (c >= 0xdc00 && c <= 0xdfff) cp = 0xfffd;
    out += value.slice(run, i) + pctUtf8(cp);
    i += width - 1;
    run = i + 1;
  }
  return run === 0 ? value : out + value.slice(run);
}

/** Percent-decodes `s` as UTF-8; null when it is not valid. */
function decode(s: string): string | null {
  let out = s;
  if (s.includes("%")) {
    try {
      out = decodeURIComponent(s);
    } catch {
      return null;
    }
  }
  return out.isWellFormed() ? out : null;
}

// ---------------------------------------------------------------------------
// Parsing

function describe(text: string, i: number): string {
  const cp = text.codePointAt(i)!;
  const code = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  return cp > 0x20 && cp < 0x7f
    ? `'${String.fromCodePoint(cp)}' (${code})`
    : code;
}

function parse(text: string): {
  literals: string[];
  expressions: Expression[];
} {
  if (typeof text !== "string") {
    throw new UriTemplateError(
      `a URI template must be a string, not ${
        text === null ? "null" : typeof text
      }`,
    );
  }
  if (text.length > MAX_URI_TEMPLATE_LENGTH) {
    throw new UriTemplateError(
      `URI template is ${text.length} characters long; the limit is ${MAX_URI_TEMPLATE_LENGTH}`,
    );
  }
  const literals: string[] = [];
  const expressions: Expression[] = [];
  const n = text.length;
  let litStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      literals.push(encode(text.slice(litStart, i), true));
      if (expressions.length === MAX_URI_TEMPLATE_EXPRESSIONS) {
        throw new UriTemplateError(
          `too many expressions: the one at offset ${i} is past the limit of ${MAX_URI_TEMPLATE_EXPRESSIONS}`,
          i,
        );
      }
      const [expr, next] = parseExpression(text, i);
      expressions.push(expr);
      i = next;
      litStart = i;
      continue;
    }
    if (c === 0x7d /* } */) {
      throw new UriTemplateError(
        `unexpected '}' at offset ${i}: no expression is open`,
        i,
      );
    }
    if (c < 0x80) {
      if (c === 0x25 /* % */) {
        if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) {
          throw new UriTemplateError(
            `invalid percent-encoding at offset ${i}: '%' must start a %XX triplet (write %25 for '%')`,
            i,
          );
        }
        i += 3;
        continue;
      }
      if (!(CLASS[c] & LITERAL)) {
        throw new UriTemplateError(
          `character ${
            describe(text, i)
          } at offset ${i} is not allowed in a URI template literal (percent-encode it)`,
          i,
        );
      }
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new UriTemplateError(
        `lone surrogate ${
          describe(text, i)
        } at offset ${i} in a URI template literal`,
        i,
      );
    }
    if (!isUcsOrPrivate(cp)) {
      throw new UriTemplateError(
        `character ${
          describe(text, i)
        } at offset ${i} is not allowed in a URI template literal (percent-encode it)`,
        i,
      );
    }
    i += cp > 0xffff ? 2 : 1;
  }
  literals.push(encode(text.slice(litStart), true));
  return { literals, expressions };
}

/** Parses the expression whose `{` is at `open`; returns it and the offset after its `}`. */
function parseExpression(text: string, open: number): [Expression, number] {
  const n = text.length;
  const unclosed = () =>
    new UriTemplateError(
      `unclosed expression: '{' at offset ${open} has no matching '}'`,
      open,
    );
  let j = open + 1;
  if (j >= n) throw unclosed();
  let op: Op = "";
  const first = text[j];
  if (first === "}") {
    throw new UriTemplateError(`empty expression '{}' at offset ${open}`, open);
  }
  if (OPERATORS.includes(first)) {
    op = first as Op;
    j++;
  } else if (RESERVED_OPERATORS.includes(first)) {
    throw new UriTemplateError(
      `operator '${first}' at offset ${j} is reserved by RFC 6570 for future extensions and not supported`,
      j,
    );
  }
  const names: string[] = [];
  for (;;) {
    // varname = varchar *( ["."] varchar ); varchar = ALPHA / DIGIT / "_" / pct-encoded
    const start = j;
    let afterDot = true; // a varchar is due (at the start and after a dot)
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c < 0x80 && (CLASS[c] & VARCHAR)) {
        j++;
      } else if (c === 0x25 /* % */) {
        if (!isHex(text.charCodeAt(j + 1)) || !isHex(text.charCodeAt(j + 2))) {
          throw new UriTemplateError(
            `invalid percent-encoding in a variable name at offset ${j}`,
            j,
          );
        }
        j += 3;
      } else if (c === 0x2e /* . */) {
        if (afterDot) {
          throw new UriTemplateError(
            j === start
              ? `variable name at offset ${j} starts with '.'`
              : `variable name at offset ${start} has '..' at offset ${j}`,
            j,
          );
        }
        afterDot = true;
        j++;
        continue;
      } else break;
      afterDot = false;
    }
    if (j >= n) throw unclosed();
    const c = text[j];
    if (j === start) {
      if (c === "}" || c === ",") {
        throw new UriTemplateError(
          names.length === 0 && c === "}"
            ? `expression at offset ${open} has an operator but no variable name`
            : `empty variable name at offset ${j} in the expression at offset ${open}`,
          j,
        );
      }
      throw new UriTemplateError(
        `character ${
          describe(text, j)
        } at offset ${j} is not allowed in a variable name (ALPHA, DIGIT, '_', '.', %XX)`,
        j,
      );
    }
    if (afterDot) {
      throw new UriTemplateError(
        `variable name at offset ${start} ends with '.'`,
        j - 1,
      );
    }
    names.push(text.slice(start, j));
    if (c === "}") return [{ op, names }, j + 1];
    if (c === ",") {
      j++;
      continue;
    }
    if (c === ":" || c === "*") {
      throw new UriTemplateError(
        `level 4 modifier '${c}' (${
          c === ":" ? "prefix" : "explode"
        }) at offset ${j} is not supported: only RFC 6570 levels 1-3 are`,
        j,
      );
    }
    throw new UriTemplateError(
      `character ${
        describe(text, j)
      } at offset ${j} is not allowed in a variable name (ALPHA, DIGIT, '_', '.', %XX)`,
      j,
    );
  }
}

// ---------------------------------------------------------------------------
// Expansion

function lookup(
  vars: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  if (vars === null || typeof vars !== "object") return undefined;
  if (!Object.hasOwn(vars, name)) return undefined;
  const v: unknown = vars[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") {
    throw new TypeError(
      `URI template variable '${name}' must be a string, not ${typeof v}`,
    );
  }
  return v;
}

function expandExpression(
  e: Expression,
  vars: Readonly<Record<string, string | undefined>>,
): string {
  const spec = OPS[e.op];
  let out = "";
  let any = false;
  for (const name of e.names) {
    const v = lookup(vars, name);
    if (v === undefined) continue;
    out += any ? spec.sep : spec.first;
    any = true;
    if (spec.named) {
      out += name;
      out += v === "" ? spec.ifemp : "=" + encode(v, spec.reserved);
    } else {
      out += encode(v, spec.reserved);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Matching

/** Records a decoded value; false when it is invalid or conflicts. */
function record(
  values: Map<string, string>,
  name: string,
  raw: string,
): boolean {
  const v = decode(raw);
  if (v === null) return false;
  const had = values.get(name);
  if (had !== undefined && had !== v) return false;
  values.set(name, v);
  return true;
}

/**
 * Reads expression `e` from `uri` at `pos`, going no further than `limit`
 * and stopping values at `stopChar` (-1 for none); returns the offset after
 * it, or -1 when a value is invalid.
 */
function matchExpression(
  e: Expression,
  uri: string,
  pos: number,
  limit: number,
  stopChar: number,
  values: Map<string, string>,
): number {
  const spec = OPS[e.op];
  const stops = spec.stops;
  const sep = spec.sep.charCodeAt(0);
  let p = pos;
  if (spec.first !== "") {
    if (p >= limit || uri.charCodeAt(p) !== spec.first.charCodeAt(0)) {
      return pos; // expanded to nothing: every variable undefined
    }
    p++;
  }
  if (!spec.named) {
    const names = e.names;
    for (let k = 0; k < names.length; k++) {
      const lastName = k === names.length - 1;
      const start = p;
      while (p < limit) {
        const c = uri.charCodeAt(p);
        if (
          c === stopChar || (c < 0x80 && stops[c]) || (!lastName && c === sep)
        ) {
          break;
        }
        p++;
      }
      if (!record(values, names[k], uri.slice(start, p))) return -1;
      if (lastName || p >= limit || uri.charCodeAt(p) !== sep) break;
      p++;
    }
    return p;
  }
  // Named: name[=value] pairs in any order, each listed name at most as many
  // times as it is listed.
  const remaining = new Map<string, number>();
  for (const n of e.names) remaining.set(n, (remaining.get(n) ?? 0) + 1);
  let end = pos; // offset after the last pair read (pos: none read)
  for (;;) {
    const nameStart = p;
    while (p < limit) {
      const c = uri.charCodeAt(p);
      if (
        c === 0x3d /* = */ || c === sep || c === stopChar ||
        (c < 0x80 && stops[c])
      ) {
        break;
      }
      p++;
    }
    const name = uri.slice(nameStart, p);
    const left = remaining.get(name);
    if (!left) return end; // not one of ours: the rest of the template's
    remaining.set(name, left - 1);
    let raw = "";
    if (p < limit && uri.charCodeAt(p) === 0x3d) {
      const valueStart = ++p;
      while (p < limit) {
        const c = uri.charCodeAt(p);
        if (c === sep || c === stopChar || (c < 0x80 && stops[c])) break;
        p++;
      }
      raw = uri.slice(valueStart, p);
    }
    if (!record(values, name, raw)) return -1;
    end = p;
    if (p >= limit || uri.charCodeAt(p) !== sep) return end;
    p++;
  }
}

const parsedLists = new WeakMap<readonly unknown[], UriTemplate[]>();

/**
 * The first of `templates` (in order) that `uri` matches, with the values of
 * its variables; undefined when none does. Each array is parsed once (its
 * templates must be valid, as a validated manifest's are).
 *
 * @example
 * ```ts
 * import { matchFirstTemplate } from "./uri_template.ts";
 *
 * const templates = [{ uriTemplate: "notes://{id}" }];
 * console.log(matchFirstTemplate(templates, "notes://7")?.params); // { id: "7" }
 * ```
 */
export function matchFirstTemplate<T extends { uriTemplate: string }>(
  templates: readonly T[],
  uri: string,
): { template: T; params: Record<string, string> } | undefined {
  if (templates.length === 0) return undefined;
  let parsed = parsedLists.get(templates);
  if (parsed === undefined) {
    parsed = templates.map((t) => parseUriTemplate(t.uriTemplate));
    parsedLists.set(templates, parsed);
  }
  for (let i = 0; i < templates.length; i++) {
    const params = parsed[i].match(uri);
    if (params !== null) return { template: templates[i], params };
  }
  return undefined;
}
