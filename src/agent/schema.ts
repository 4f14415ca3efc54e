/**
 * Tool schemas: a tool's `inputSchema` (its call's arguments) and its
 * `outputSchema` (its results' `structuredContent`), compiled once when the
 * manifest is loaded, then used to check values in bounded time (below).
 *
 * Checked keywords (JSON Schema 2020-12; the older drafts' spellings too
 * where they do not conflict):
 * - any value: `type`, `enum`, `const`; boolean schemas (`true`/`false`);
 * - numbers: `minimum`/`maximum`, `exclusiveMinimum`/`exclusiveMaximum`
 *   (numbers), `multipleOf` (exact in decimal: 0.3 is a multiple of 0.1);
 * - strings: `minLength`/`maxLength` (code points), `pattern`;
 * - arrays: `items`, `prefixItems` (and the older tuple form, `items` as an
 *   array with `additionalItems`), `minItems`/`maxItems`, `uniqueItems`
 *   (items compared in canonical JSON: key order does not matter, `1` and
 *   `1.0` are equal), `contains` with `minContains`/`maxContains`;
 * - objects: `properties`, `patternProperties`, `additionalProperties`
 *   (keys matched by neither), `required`, `minProperties`/`maxProperties`,
 *   `propertyNames`, `dependentRequired`, `dependentSchemas` (and their
 *   draft-07 form, `dependencies`);
 * - applicators: `$ref`, `allOf`, `anyOf`, `oneOf`, `not`,
 *   `if`/`then`/`else`. Keywords next to a `$ref` apply too (2020-12).
 *
 * `$ref`: local references are resolved when the schema is compiled: `#`
 * and JSON Pointer fragments (`#/$defs/name`, `#/definitions/name`, any
 * `#/...` path; percent-escapes, then `~1` and `~0`, decoded), read from the
 * nearest enclosing schema with an `$id` (the root otherwise); an absolute
 * reference equal to that `$id` (plus a fragment) is local too. Each target
 * is compiled once and linked, so recursive schemas (a tree whose nodes
 * refer to the node schema) work. Only what the root reaches is compiled
 * (an unreferenced `$defs` entry is not looked at). A local reference that
 * points nowhere, and a loop of references and combinators that never moves
 * into the value (`{"$ref": "#"}`), are {@link SchemaError}s. Other
 * references are not followed and accept anything (the keywords beside
 * them still apply): other documents (`https://...`, `other.json#/x`),
 * `$anchor` names (`#name`), `$dynamicRef`, `$recursiveRef`.
 *
 * Not checked (annotations, or for clients): `format`, `$schema`, `$id`
 * (but see `$ref`), `$anchor`, `$comment`, `title`, `description`,
 * `default`, `examples`, `deprecated`, `readOnly`, `writeOnly`,
 * `contentEncoding`/`contentMediaType`/`contentSchema`,
 * `unevaluatedProperties`/`unevaluatedItems`, and unknown keywords: the
 * agent validates the rest.
 *
 * Untrusted input is handled as such:
 * - a malformed checked keyword (an unknown `type` such as
 *   `"__defineGetter__"`, a `pattern` that is not a valid ECMAScript regular
 *   expression or uses features a linear-time matcher cannot run, a `$ref`
 *   that points nowhere) is a {@link SchemaError} at load, naming the
 *   keyword's path;
 * - `pattern` (and the names of `patternProperties`) runs on RE2
 *   ({@link https://www.npmjs.com/package/re2js re2js}), whose matching time
 *   is linear in the input; the ECMAScript syntax of JSON Schema is
 *   translated (see {@link translatePattern}), and one match may do at most
 *   {@link MAX_MATCH_WORK} units of work (characters × program size);
 * - `enum` and `const` entries are put in canonical form once, at load; a
 *   value is canonicalized once per check, never longer than the longest
 *   entry;
 * - only own properties are looked up (`Map`s, `Object.hasOwn`);
 * - schemas nest at most {@link MAX_SCHEMA_DEPTH} levels and checked values
 *   at most {@link MAX_ARGUMENT_DEPTH};
 * - compiling is linear in the schema's size (each subschema once, each
 *   `$ref` resolved once);
 * - checking: each step applies one subschema to one part of the value
 *   (its own keywords' work bounded by the limits above). When no subschema
 *   is reached twice on the same part (through references shared by
 *   combinators), each applies to each part (a member's name and value
 *   count as two) at most once: (schema size × value size) steps at worst.
 *   Shared references can multiply that (an `allOf` of two references to a
 *   schema that does the same, 30 levels deep, would take 2^30 steps), so a
 *   check stops after the larger of {@link MIN_CHECK_STEPS} and
 *   {@link CHECK_STEP_FACTOR} × schema size × value size steps, with a
 *   problem saying so (never an anyOf or not mismatch). It runs on an
 *   explicit stack: depth costs no host stack;
 * - {@link checkArgumentsAsync} yields to the event loop every few
 *   milliseconds and stops at a deadline or when its signal aborts.
 *
 * @module
 */

// A full specifier (the same as deno.json's "re2js"): Porta must also start
// without its deno.json (`--no-config`, a URL), where a bare one fails.
// deno-lint-ignore no-import-prefix
import { RE2JS } from "npm:re2js@2.10.0";
import { printable } from "./printable.ts";

/** Maximum nesting of a schema (JSON objects and arrays), at load. */
export const MAX_SCHEMA_DEPTH = 64;
/** Maximum nesting of tool arguments (JSON objects and arrays), per call. */
export const MAX_ARGUMENT_DEPTH = 512;
/** Maximum length of a `pattern`, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 8192;
/** Maximum size of a compiled `pattern` (RE2 program instructions). */
export const MAX_PATTERN_PROGRAM = 10_000;
/**
 * Maximum work of one `pattern` match: the string's length times the size of
 * the pattern's program (at worst about 60 ns a unit: 60 ms). A longer
 * string is refused with a message saying how long it may be.
 */
export const MAX_MATCH_WORK = 1_000_000;
/**
 * A check stops after this many steps (one subschema applied to one part of
 * the value) when {@link CHECK_STEP_FACTOR} × schema size × value size is
 * smaller.
 */
export const MIN_CHECK_STEPS = 100_000;
/**
 * A check stops after this many steps per pair of (compiled subschema, part
 * of the value), when that is more than {@link MIN_CHECK_STEPS}.
 */
export const CHECK_STEP_FACTOR = 4;

/** A schema that cannot be used: `issues` are `path: reason` lines. */
export class SchemaError extends Error {
  /** Every problem, each `path: reason` (paths relative to the schema's own path). */
  readonly issues: string[];
  /** Creates the error; the message is the first issue. */
  constructor(issues: string[]) {
    super(issues[0] ?? "invalid schema");
    this.name = "SchemaError";
    this.issues = issues;
  }
}

/** A `pattern` the linear-time matcher cannot run, or not a valid expression. */
export class PatternError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "PatternError";
  }
}

const T_STRING = 1,
  T_NUMBER = 2,
  T_INTEGER = 4,
  T_BOOLEAN = 8,
  T_OBJECT = 16,
  T_ARRAY = 32,
  T_NULL = 64;

/** JSON Schema type names, in the order used by messages. */
export const SCHEMA_TYPES: readonly string[] = [
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "null",
];

const TYPE_BITS = new Map<string, number>([
  ["string", T_STRING],
  ["number", T_NUMBER],
  ["integer", T_INTEGER],
  ["boolean", T_BOOLEAN],
  ["object", T_OBJECT],
  ["array", T_ARRAY],
  ["null", T_NULL],
]);

/** A compiled `pattern` (see {@link compilePattern}). */
export interface Pattern {
  /** The expression as written in the schema. */
  readonly source: string;
  /** The RE2 program that matches it (linear time). */
  readonly re: { test(input: string): boolean };
  /** The program's size (instructions): a match's work is this × the length. */
  readonly size: number;
}

/**
 * A compiled schema, made by {@link compileSchema}: an opaque value for
 * callers, given to {@link checkArguments}, {@link checkArgumentsAsync} or
 * {@link checkValue}.
 */
export interface CompiledSchema {
  /**
   * How many subschemas were compiled for it (at least 1): the schema size
   * of the check's step limit ({@link CHECK_STEP_FACTOR}).
   */
  readonly size: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function own(o: Obj, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * The nesting depth of a JSON value (a scalar is 0, `{}` is 1), or `limit + 1`
 * as soon as it goes deeper than `limit`. Iterative: any depth is safe.
 */
export function jsonDepth(value: unknown, limit: number): number {
  if (typeof value !== "object" || value === null) return 0;
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) {
      max = d;
      if (max > limit) return limit + 1;
    }
    const children = Array.isArray(v) ? v : Object.values(v as Obj);
    for (const c of children) {
      if (typeof c === "object" && c !== null) stack.push([c, d + 1]);
    }
  }
  return max;
}

/**
 * The canonical JSON text of a value (object keys sorted), or `null` when it
 * would be longer than `budget` characters (it then equals no shorter text).
 */
export function canonicalJson(
  value: unknown,
  budget = Infinity,
  keysOf: (o: object) => string[] = Object.keys,
): string | null {
  const parts: string[] = [];
  let size = 0;
  const put = (s: string): boolean => {
    size += s.length;
    if (size > budget) return false;
    parts.push(s);
    return true;
  };
  const walk = (v: unknown): boolean => {
    if (typeof v === "string" && v.length + 2 > budget - size) return false;
    if (typeof v !== "object" || v === null) {
      return put(JSON.stringify(v) ?? "null");
    }
    if (Array.isArray(v)) {
      if (v.length * 2 > budget - size + 1) return false;
      if (!put("[")) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !put(",")) return false;
        if (!walk(v[i])) return false;
      }
      return put("]");
    }
    const own = keysOf(v);
    if (own.length * 5 > budget - size + 1) return false;
    const keys = [...own].sort();
    if (!put("{")) return false;
    for (let i = 0; i < keys.length; i++) {
      if (i > 0 && !put(",")) return false;
      if (!put(JSON.stringify(keys[i])) || !put(":")) return false;
      if (!walk((v as Obj)[keys[i]])) return false;
    }
    return put("}");
  };
  return walk(value) ? parts.join("") : null;
}

/** Shows a list of JSON values in a message, at most about 200 characters. */
function listText(values: readonly unknown[]): string {
  const shown: string[] = [];
  let size = 0;
  for (const v of values) {
    const t = clip(canonicalJson(v, 200) ?? "…", 200);
    if (shown.length > 0 && size + t.length > 200) break;
    shown.push(t);
    size += t.length + 2;
  }
  const more = values.length - shown.length;
  return shown.join(", ") + (more > 0 ? `, … (${more} more)` : "");
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}…`;
}

// ---------------------------------------------------------------------------
// Pattern translation: ECMAScript (JSON Schema) -> RE2 syntax

type Range = [number, number];

const MAX_CP = 0x10ffff;
/** ECMAScript `\s`: WhiteSpace and LineTerminator. */
const WHITE: Range[] = [
  [0x9, 0xd],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function hex(cp: number): string {
  return `\\x{${cp.toString(16)}}`;
}

function rangesText(ranges: Range[]): string {
  return ranges.map(([a, b]) => a === b ? hex(a) : `${hex(a)}-${hex(b)}`)
    .join("");
}

const WHITE_IN = rangesText(WHITE);
const NOT_WHITE_IN = rangesText(complement(WHITE));
/** ECMAScript `.` without the `s` flag: anything but a line terminator. */
const DOT = `[^${hex(0xa)}${hex(0xd)}${hex(0x2028)}${hex(0x2029)}]`;
const ANY_IN = `${hex(0)}-${hex(MAX_CP)}`;

/** ECMAScript General_Category long names and aliases -> RE2 short names. */
const GENERAL_CATEGORY = new Map<string, string>(
  [
    ["Letter", "L"],
    ["Cased_Letter", "LC"],
    ["Uppercase_Letter", "Lu"],
    ["Lowercase_Letter", "Ll"],
    ["Titlecase_Letter", "Lt"],
    ["Modifier_Letter", "Lm"],
    ["Other_Letter", "Lo"],
    ["Mark", "M"],
    ["Combining_Mark", "M"],
    ["Nonspacing_Mark", "Mn"],
    ["Spacing_Mark", "Mc"],
    ["Enclosing_Mark", "Me"],
    ["Number", "N"],
    ["Decimal_Number", "Nd"],
    ["digit", "Nd"],
    ["Letter_Number", "Nl"],
    ["Other_Number", "No"],
    ["Punctuation", "P"],
    ["punct", "P"],
    ["Connector_Punctuation", "Pc"],
    ["Dash_Punctuation", "Pd"],
    ["Open_Punctuation", "Ps"],
    ["Close_Punctuation", "Pe"],
    ["Initial_Punctuation", "Pi"],
    ["Final_Punctuation", "Pf"],
    ["Other_Punctuation", "Po"],
    ["Symbol", "S"],
    ["Math_Symbol", "Sm"],
    ["Currency_Symbol", "Sc"],
    ["Modifier_Symbol", "Sk"],
    ["Other_Symbol", "So"],
    ["Separator", "Z"],
    ["Space_Separator", "Zs"],
    ["Line_Separator", "Zl"],
    ["Paragraph_Separator", "Zp"],
    ["Other", "C"],
    ["Control", "Cc"],
    ["cntrl", "Cc"],
    ["Format", "Cf"],
    ["Surrogate", "Cs"],
    ["Private_Use", "Co"],
    ["Unassigned", "Cn"],
  ].flatMap(([long, short]) => [[long, short], [short, short]]),
);

interface ClassPiece {
  /** Text outside a class. */
  out: string;
  /** Text inside a class. */
  in: string;
}

function property(body: string, negate: boolean): ClassPiece {
  let name: string | undefined;
  let ranges: Range[] | undefined;
  const eq = body.indexOf("=");
  if (eq >= 0) {
    const key = body.slice(0, eq);
    const value = body.slice(eq + 1);
    if (key === "General_Category" || key === "gc") {
      name = GENERAL_CATEGORY.get(value);
    } else if (key === "Script" || key === "sc") {
      name = value; // RE2 knows scripts by their long names (Greek, Latin)
    }
  } else if (GENERAL_CATEGORY.has(body)) {
    name = GENERAL_CATEGORY.get(body);
  } else if (body === "Any") {
    ranges = [[0, MAX_CP]];
  } else if (body === "ASCII") {
    ranges = [[0, 0x7f]];
  } else if (body === "Assigned") {
    name = "Cn";
    negate = !negate;
  }
  if (name !== undefined) {
    const t = `\\${negate ? "P" : "p"}{${name}}`;
    return { out: t, in: t };
  }
  if (ranges !== undefined) {
    return negate
      ? { out: `[^${rangesText(ranges)}]`, in: rangesText(complement(ranges)) }
      : { out: `[${rangesText(ranges)}]`, in: rangesText(ranges) };
  }
  throw new PatternError(
    `the Unicode property \\p{${body}} is not supported by the linear-time matcher`,
  );
}

/**
 * Translates a JSON Schema `pattern` (an ECMAScript regular expression, read
 * with the `u` flag) into RE2 syntax with the same meaning: `.` excludes the
 * four ECMAScript line terminators, `\s`/`\S` use ECMAScript's white space,
 * `\uXXXX`, `\u{X}`, `\xXX`, `\cX` and `\0` become `\x{X}`, named groups
 * become plain groups, `\p{...}` names are mapped (General_Category long
 * names, `Script=`, `Any`, `ASCII`, `Assigned`), `[^]` and `[]` are spelled
 * out. `\d`, `\w`, `\b` and their negations are ASCII in both. Throws
 * {@link PatternError} for an invalid expression and for what RE2 cannot run
 * in linear time: backreferences, lookahead, lookbehind, inline modifiers.
 */
export function translatePattern(src: string): string {
  try {
    new RegExp(src, "u");
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const why = msg.slice(msg.lastIndexOf(": ") + 2) || msg;
    throw new PatternError(`invalid regular expression (${why})`);
  }
  // From here on the syntax is valid in ECMAScript's strict `u` mode.
  const n = src.length;
  let i = 0;
  const out: string[] = [];
  const cpAt = (at: number): number => src.codePointAt(at)!;
  const width = (cp: number): number => (cp > 0xffff ? 2 : 1);
  const lit = (cp: number): string =>
    (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) ||
      (cp >= 0x61 && cp <= 0x7a)
      ? String.fromCharCode(cp)
      : hex(cp);
  const hexAt = (at: number, len: number): number =>
    parseInt(src.slice(at, at + len), 16);

  /** Reads the escape at `at` (a backslash); returns a code point or a class piece. */
  const escape = (at: number): [number | ClassPiece, number] => {
    const c = src[at + 1];
    switch (c) {
      case "d":
      case "D":
      case "w":
      case "W":
      case "b":
      case "B":
        return [{ out: `\\${c}`, in: `\\${c}` }, at + 2];
      case "s":
        return [{ out: `[${WHITE_IN}]`, in: WHITE_IN }, at + 2];
      case "S":
        return [{ out: `[^${WHITE_IN}]`, in: NOT_WHITE_IN }, at + 2];
      case "p":
      case "P": {
        const end = src.indexOf("}", at + 3);
        return [property(src.slice(at + 3, end), c === "P"), end + 1];
      }
      case "t":
        return [0x9, at + 2];
      case "n":
        return [0xa, at + 2];
      case "v":
        return [0xb, at + 2];
      case "f":
        return [0xc, at + 2];
      case "r":
        return [0xd, at + 2];
      case "c":
        return [src.charCodeAt(at + 2) & 31, at + 3];
      case "0":
        return [0, at + 2];
      case "x":
        return [hexAt(at + 2, 2), at + 4];
      case "u": {
        if (src[at + 2] === "{") {
          const end = src.indexOf("}", at + 3);
          return [parseInt(src.slice(at + 3, end), 16), end + 1];
        }
        const hi = hexAt(at + 2, 4);
        if (
          hi >= 0xd800 && hi <= 0xdbff && src.startsWith("\\u", at + 6) &&
          /^[0-9a-fA-F]{4}$/.test(src.slice(at + 8, at + 12))
        ) {
          const lo = hexAt(at + 8, 4);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            return [0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00), at + 12];
          }
        }
        return [hi, at + 6];
      }
      case "k":
        throw new PatternError(
          "backreferences (\\k<name>) are not supported by the linear-time matcher",
        );
      default:
        if (c >= "1" && c <= "9") {
          throw new PatternError(
            `backreferences (\\${c}) are not supported by the linear-time matcher`,
          );
        }
        // an identity escape of a syntax character (or "/", "-")
        return [cpAt(at + 1), at + 1 + width(cpAt(at + 1))];
    }
  };

  const classAtom = (at: number): [number | ClassPiece, number] => {
    if (src[at] === "\\") {
      if (src[at + 1] === "b") return [0x8, at + 2];
      if (src[at + 1] === "-") return [0x2d, at + 2];
      return escape(at);
    }
    const cp = cpAt(at);
    return [cp, at + width(cp)];
  };

  while (i < n) {
    const c = src[i];
    if (c === "\\") {
      const [atom, next] = escape(i);
      out.push(typeof atom === "number" ? lit(atom) : atom.out);
      i = next;
    } else if (c === "[") {
      i++;
      const negate = src[i] === "^";
      if (negate) i++;
      if (src[i] === "]") {
        // [] matches nothing, [^] matches any character
        out.push(negate ? `[${ANY_IN}]` : `[^${ANY_IN}]`);
        i++;
        continue;
      }
      const parts: string[] = [];
      while (src[i] !== "]") {
        const [a, next] = classAtom(i);
        i = next;
        if (
          typeof a === "number" && src[i] === "-" && src[i + 1] !== "]"
        ) {
          const [b, after] = classAtom(i + 1);
          i = after;
          parts.push(`${hex(a)}-${hex(b as number)}`);
        } else {
          parts.push(typeof a === "number" ? hex(a) : a.in);
        }
      }
      i++;
      out.push(`[${negate ? "^" : ""}${parts.join("")}]`);
    } else if (c === "(") {
      if (src.startsWith("(?:", i)) {
        out.push("(?:");
        i += 3;
      } else if (src.startsWith("(?=", i) || src.startsWith("(?!", i)) {
        throw new PatternError(
          "lookahead (?= (?! is not supported by the linear-time matcher",
        );
      } else if (src.startsWith("(?<=", i) || src.startsWith("(?<!", i)) {
        throw new PatternError(
          "lookbehind (?<= (?<! is not supported by the linear-time matcher",
        );
      } else if (src.startsWith("(?<", i)) {
        out.push("("); // a named group: the name is not needed
        i = src.indexOf(">", i) + 1;
      } else if (src[i + 1] === "?") {
        throw new PatternError(
          "inline modifiers (?i: ...) are not supported by the linear-time matcher",
        );
      } else {
        out.push("(");
        i++;
      }
    } else if (c === "{") {
      // in u mode a brace is always a valid quantifier
      const end = src.indexOf("}", i);
      out.push(src.slice(i, end + 1));
      i = end + 1;
    } else if (c === ".") {
      out.push(DOT);
      i++;
    } else if (")|*+?^$".includes(c)) {
      out.push(c);
      i++;
    } else {
      const cp = cpAt(i);
      out.push(lit(cp));
      i += width(cp);
    }
  }
  return out.join("");
}

/** Compiles a `pattern` for linear-time matching; throws {@link PatternError}. */
export function compilePattern(source: string): Pattern {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(
      `pattern too long: ${source.length} characters (limit ${MAX_PATTERN_LENGTH})`,
    );
  }
  const translated = translatePattern(source);
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e))
      .replace(/^error parsing regexp: /, "");
    throw new PatternError(
      `not supported by the linear-time matcher (${clip(msg, 120)})`,
    );
  }
  const size = re.programSize();
  if (size > MAX_PATTERN_PROGRAM) {
    throw new PatternError(
      `pattern too complex: ${size} instructions (limit ${MAX_PATTERN_PROGRAM})`,
    );
  }
  return { source, re, size };
}

// ---------------------------------------------------------------------------
// Compilation

/** A compiled schema as the checker reads it. */
interface Node extends CompiledSchema {
  size: number;
  /** `false` schema: nothing is allowed. */
  never: boolean;
  /** Allowed types as a bit set (0: any). */
  types: number;
  typeText: string;
  enumSet?: Set<string>;
  enumMax: number;
  enumText: string;
  constKey?: string;
  constText: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: Pattern;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  /** `prefixItems` (or the array form of `items`). */
  prefixItems?: Node[];
  /** Items after the prefix: `items` (or `additionalItems` after an array `items`). */
  items?: Node;
  contains?: Node;
  minContains: number;
  maxContains?: number;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  /** `dependentRequired`: [present name, names it requires]. */
  dependentRequired?: [string, string[]][];
  properties?: Map<string, Node>;
  patternProperties?: [Pattern, Node][];
  /** `additionalProperties` (`false` compiles to a `never` node). */
  additional?: Node;
  propertyNames?: Node;
  dependentSchemas?: [string, Node][];
  /** The resolved target of a local `$ref`. */
  ref?: Node;
  allOf?: Node[];
  anyOf?: Node[];
  oneOf?: Node[];
  not?: Node;
  if?: Node;
  then?: Node;
  else?: Node;
  /** Applicators on the value itself: `$ref`, `allOf`, `anyOf`, ... */
  inPlace: boolean;
  /** Applicators on an array's items, or `uniqueItems`. */
  arrayWork: boolean;
  /** Applicators on an object's members, or `dependentSchemas`. */
  objectWork: boolean;
  /** `required`, `minProperties`/`maxProperties`, `dependentRequired`. */
  objectLocal: boolean;
}

function blank(): Node {
  return {
    size: 1,
    never: false,
    types: 0,
    typeText: "",
    enumMax: 0,
    enumText: "",
    constText: "",
    uniqueItems: false,
    minContains: 1,
    inPlace: false,
    arrayWork: false,
    objectWork: false,
    objectLocal: false,
  };
}

const ANY: Node = Object.freeze(blank()) as Node;
const NEVER: Node = Object.freeze({ ...blank(), never: true }) as Node;
const compiledNodes = new WeakSet<object>([ANY, NEVER]);

/** The schema resource that `#...` references are read from. */
interface Base {
  obj: Obj;
  path: string;
}

/** The applicators that check the same value (the edges of a `$ref` loop). */
function inPlaceEdges(n: Node): Node[] {
  const out: Node[] = [];
  if (n.ref !== undefined) out.push(n.ref);
  for (const list of [n.allOf, n.anyOf, n.oneOf]) {
    if (list !== undefined) out.push(...list);
  }
  if (n.not !== undefined) out.push(n.not);
  if (n.if !== undefined && (n.then !== undefined || n.else !== undefined)) {
    out.push(n.if);
    if (n.then !== undefined) out.push(n.then);
    if (n.else !== undefined) out.push(n.else);
  }
  for (const [, d] of n.dependentSchemas ?? []) out.push(d);
  return out;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

class Compiler {
  issues: string[] = [];
  /** Every node made, in order. */
  nodes: Node[] = [];
  /** Schema object -> its node: each is compiled once. */
  memo = new Map<object, Node>();
  /** Node -> the path it was compiled at (for messages). */
  paths = new Map<Node, string>();
  /** `$ref` targets waiting to be compiled (no host recursion through references). */
  pending: [Obj, string, Base, Node][] = [];

  fail(path: string, why: string): void {
    this.issues.push(`${path}: ${why}`);
  }
  sub(v: unknown, path: string, base: Base): Node {
    if (v === true) return ANY;
    if (v === false) return NEVER;
    if (!isObj(v)) {
      this.fail(
        path,
        `expected a schema (an object or a boolean), got ${kind(v)}`,
      );
      return ANY;
    }
    return this.node(v, path, base);
  }
  /** A new node for `s`, registered (so references to it link to it). */
  make(s: Obj, path: string): Node {
    const n = blank();
    this.memo.set(s, n);
    this.nodes.push(n);
    this.paths.set(n, path);
    compiledNodes.add(n);
    return n;
  }
  node(s: Obj, path: string, base: Base): Node {
    const known = this.memo.get(s);
    if (known !== undefined) return known;
    const n = this.make(s, path);
    this.fill(n, s, path, base);
    return n;
  }
  /** The node of a `$ref` target: compiled later, by {@link Compiler.drain}. */
  later(s: Obj, path: string, base: Base): Node {
    const known = this.memo.get(s);
    if (known !== undefined) return known;
    const n = this.make(s, path);
    this.pending.push([s, path, base, n]);
    return n;
  }
  drain(): void {
    for (let p = this.pending.pop(); p !== undefined; p = this.pending.pop()) {
      this.fill(p[3], p[0], p[1], p[2]);
    }
  }
  list(v: unknown, path: string, base: Base, nonEmpty: boolean): Node[] {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) {
      this.fail(
        path,
        `expected a${nonEmpty ? " non-empty" : "n"} array of schemas, got ${
          Array.isArray(v) ? "an empty array" : kind(v)
        }`,
      );
      return [];
    }
    return v.map((x, i) => this.sub(x, `${path}[${i}]`, base));
  }
  num(s: Obj, k: string, path: string, count: boolean): number | undefined {
    const v = own(s, k);
    if (v === undefined) return undefined;
    if (
      typeof v !== "number" || !Number.isFinite(v) ||
      (count && (!Number.isInteger(v) || v < 0))
    ) {
      this.fail(
        `${path}.${k}`,
        `expected ${count ? "a non-negative integer" : "a number"}, got ${
          typeof v === "number" ? v : kind(v)
        }`,
      );
      return undefined;
    }
    return v;
  }
  names(v: unknown, path: string): string[] | undefined {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      this.fail(path, "expected an array of strings");
      return undefined;
    }
    return v as string[];
  }
  /**
   * Resolves a `$ref`: its target's node, or `undefined` for a reference
   * that is not followed (another document, an anchor) or points nowhere
   * (an issue).
   */
  resolve(ref: string, path: string, base: Base): Node | undefined {
    let fragment: string | undefined;
    if (ref.startsWith("#")) fragment = ref.slice(1);
    else {
      // an absolute reference to the current resource itself
      const id = own(base.obj, "$id");
      if (typeof id === "string") {
        const bare = id.endsWith("#") ? id.slice(0, -1) : id;
        if (bare !== "" && ref === bare) fragment = "";
        else if (bare !== "" && ref.startsWith(`${bare}#`)) {
          fragment = ref.slice(bare.length + 1);
        }
      }
    }
    if (fragment === undefined) return undefined;
    let pointer = fragment;
    try {
      pointer = decodeURIComponent(fragment);
    } catch {
      // not percent-encoded: read as written
    }
    if (pointer !== "" && !pointer.startsWith("/")) return undefined; // an anchor
    const shown = `"${clip(printable(ref), 120)}"`;
    let cur: unknown = base.obj;
    let at = base.path;
    let curBase = base;
    const tokens = pointer === "" ? [] : pointer.slice(1).split("/");
    for (const raw of tokens) {
      if (/~(?![01])/.test(raw)) {
        this.fail(
          path,
          `invalid JSON pointer ${shown} ("~" must be followed by 0 or 1)`,
        );
        return undefined;
      }
      const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
      if (Array.isArray(cur)) {
        if (!ARRAY_INDEX.test(token) || Number(token) >= cur.length) {
          this.fail(
            path,
            `${shown} points nowhere (${at} has no item "${
              clip(printable(token), 60)
            }")`,
          );
          return undefined;
        }
        cur = cur[Number(token)];
        at += `[${token}]`;
      } else if (isObj(cur) && Object.hasOwn(cur, token)) {
        cur = cur[token];
        at += `.${clip(printable(token), 60)}`;
      } else {
        this.fail(
          path,
          `${shown} points nowhere (${at} has no "${
            clip(printable(token), 60)
          }")`,
        );
        return undefined;
      }
      if (isObj(cur)) {
        const id = own(cur, "$id");
        if (typeof id === "string" && !id.startsWith("#")) {
          curBase = { obj: cur, path: at };
        }
      }
    }
    if (cur === true) return ANY;
    if (cur === false) return NEVER;
    if (!isObj(cur)) {
      this.fail(
        path,
        `${shown} points to ${kind(cur)} at ${at}, not to a schema`,
      );
      return undefined;
    }
    return this.later(cur, at, curBase);
  }
  fill(n: Node, s: Obj, path: string, base: Base): void {
    const id = own(s, "$id");
    if (typeof id === "string" && !id.startsWith("#")) base = { obj: s, path };
    let types = 0;
    const typeNames: string[] = [];
    const t = own(s, "type");
    if (t !== undefined) {
      const list = Array.isArray(t) ? t : [t];
      if (!Array.isArray(t) && typeof t !== "string") {
        this.fail(
          `${path}.type`,
          `expected a string or an array, got ${kind(t)}`,
        );
      }
      list.forEach((name, i) => {
        const at = Array.isArray(t) ? `${path}.type[${i}]` : `${path}.type`;
        if (typeof name !== "string") {
          if (Array.isArray(t)) {
            this.fail(at, `expected a string, got ${kind(name)}`);
          }
          return;
        }
        const bit = TYPE_BITS.get(name);
        if (bit === undefined) {
          this.fail(
            at,
            `unknown type "${clip(printable(name), 60)}" (known: ${
              SCHEMA_TYPES.join(", ")
            })`,
          );
          return;
        }
        if ((types & bit) === 0) typeNames.push(name);
        types |= bit;
      });
    }
    n.types = types;
    n.typeText = typeNames.join(" or ");
    const e = own(s, "enum");
    if (e !== undefined) {
      if (!Array.isArray(e)) {
        this.fail(`${path}.enum`, `expected an array, got ${kind(e)}`);
      } else {
        n.enumSet = new Set();
        for (const entry of e) {
          const key = canonicalJson(entry)!;
          n.enumSet.add(key);
          n.enumMax = Math.max(n.enumMax, key.length);
        }
        n.enumText = listText(e);
      }
    }
    if (Object.hasOwn(s, "const")) {
      n.constKey = canonicalJson(s.const)!;
      n.constText = listText([s.const]);
    }
    // numbers
    n.minimum = this.num(s, "minimum", path, false);
    n.maximum = this.num(s, "maximum", path, false);
    n.exclusiveMinimum = this.num(s, "exclusiveMinimum", path, false);
    n.exclusiveMaximum = this.num(s, "exclusiveMaximum", path, false);
    const m = this.num(s, "multipleOf", path, false);
    if (m !== undefined && m <= 0) {
      this.fail(`${path}.multipleOf`, `expected a number > 0, got ${m}`);
    } else n.multipleOf = m;
    // strings
    n.minLength = this.num(s, "minLength", path, true);
    n.maxLength = this.num(s, "maxLength", path, true);
    const p = own(s, "pattern");
    if (p !== undefined) {
      if (typeof p !== "string") {
        this.fail(`${path}.pattern`, `expected a string, got ${kind(p)}`);
      } else {
        try {
          n.pattern = compilePattern(p);
        } catch (err) {
          if (!(err instanceof PatternError)) throw err;
          this.fail(`${path}.pattern`, err.message);
        }
      }
    }
    // arrays
    const prefix = own(s, "prefixItems");
    const it = own(s, "items");
    if (prefix !== undefined) {
      n.prefixItems = this.list(prefix, `${path}.prefixItems`, base, false);
      // (an array "items" beside "prefixItems" mixes drafts: ignored)
      if (it !== undefined && !Array.isArray(it)) {
        n.items = this.sub(it, `${path}.items`, base);
      }
    } else if (Array.isArray(it)) {
      // the tuple form of the drafts before 2020-12
      n.prefixItems = this.list(it, `${path}.items`, base, false);
      const more = own(s, "additionalItems");
      if (more !== undefined) {
        n.items = this.sub(more, `${path}.additionalItems`, base);
      }
    } else if (it !== undefined) {
      n.items = this.sub(it, `${path}.items`, base);
    }
    n.minItems = this.num(s, "minItems", path, true);
    n.maxItems = this.num(s, "maxItems", path, true);
    const unique = own(s, "uniqueItems");
    if (unique !== undefined) {
      if (typeof unique !== "boolean") {
        this.fail(
          `${path}.uniqueItems`,
          `expected a boolean, got ${kind(unique)}`,
        );
      } else n.uniqueItems = unique;
    }
    const contains = own(s, "contains");
    if (contains !== undefined) {
      n.contains = this.sub(contains, `${path}.contains`, base);
      n.minContains = this.num(s, "minContains", path, true) ?? 1;
      n.maxContains = this.num(s, "maxContains", path, true);
    }
    // objects
    const r = own(s, "required");
    if (r !== undefined) n.required = this.names(r, `${path}.required`);
    n.minProperties = this.num(s, "minProperties", path, true);
    n.maxProperties = this.num(s, "maxProperties", path, true);
    const props = own(s, "properties");
    if (props !== undefined) {
      if (!isObj(props)) {
        this.fail(
          `${path}.properties`,
          `expected an object, got ${kind(props)}`,
        );
      } else {
        n.properties = new Map();
        for (const k of Object.keys(props)) {
          n.properties.set(
            k,
            this.sub(
              props[k],
              `${path}.properties.${clip(printable(k), 60)}`,
              base,
            ),
          );
        }
      }
    }
    const pp = own(s, "patternProperties");
    if (pp !== undefined) {
      if (!isObj(pp)) {
        this.fail(
          `${path}.patternProperties`,
          `expected an object, got ${kind(pp)}`,
        );
      } else {
        n.patternProperties = [];
        for (const k of Object.keys(pp)) {
          const at = `${path}.patternProperties.${clip(printable(k), 60)}`;
          const sub = this.sub(pp[k], at, base);
          try {
            n.patternProperties.push([compilePattern(k), sub]);
          } catch (err) {
            if (!(err instanceof PatternError)) throw err;
            this.fail(at, err.message);
          }
        }
      }
    }
    const ap = own(s, "additionalProperties");
    if (ap !== undefined) {
      n.additional = this.sub(ap, `${path}.additionalProperties`, base);
    }
    const pn = own(s, "propertyNames");
    if (pn !== undefined) {
      n.propertyNames = this.sub(pn, `${path}.propertyNames`, base);
    }
    const depReq: [string, string[]][] = [];
    const depSchemas: [string, Node][] = [];
    for (const k of ["dependentRequired", "dependentSchemas", "dependencies"]) {
      const d = own(s, k);
      if (d === undefined) continue;
      if (!isObj(d)) {
        this.fail(`${path}.${k}`, `expected an object, got ${kind(d)}`);
        continue;
      }
      for (const name of Object.keys(d)) {
        const at = `${path}.${k}.${clip(printable(name), 60)}`;
        const v = d[name];
        if (
          k === "dependentRequired" ||
          (k === "dependencies" && Array.isArray(v))
        ) {
          const list = this.names(v, at);
          if (list !== undefined && list.length > 0) depReq.push([name, list]);
        } else depSchemas.push([name, this.sub(v, at, base)]);
      }
    }
    if (depReq.length > 0) n.dependentRequired = depReq;
    if (depSchemas.length > 0) n.dependentSchemas = depSchemas;
    // applicators on the value itself
    const ref = own(s, "$ref");
    if (ref !== undefined) {
      if (typeof ref !== "string") {
        this.fail(`${path}.$ref`, `expected a string, got ${kind(ref)}`);
      } else {
        const target = this.resolve(ref, `${path}.$ref`, base);
        if (target !== undefined && target !== ANY) n.ref = target;
      }
    }
    for (const k of ["allOf", "anyOf", "oneOf"] as const) {
      const list = own(s, k);
      if (list !== undefined) {
        n[k] = this.list(list, `${path}.${k}`, base, true);
      }
    }
    for (const k of ["not", "if", "then", "else"] as const) {
      const v = own(s, k);
      if (v !== undefined) n[k] = this.sub(v, `${path}.${k}`, base);
    }
    n.inPlace = n.ref !== undefined || n.allOf !== undefined ||
      n.anyOf !== undefined || n.oneOf !== undefined || n.not !== undefined ||
      (n.if !== undefined && (n.then !== undefined || n.else !== undefined));
    n.arrayWork = n.prefixItems !== undefined ||
      (n.items !== undefined && n.items !== ANY) || n.uniqueItems ||
      (n.contains !== undefined &&
        (n.minContains > 0 || n.maxContains !== undefined));
    n.objectWork = n.properties !== undefined ||
      n.patternProperties !== undefined ||
      (n.additional !== undefined && n.additional !== ANY) ||
      (n.propertyNames !== undefined && n.propertyNames !== ANY) ||
      n.dependentSchemas !== undefined;
    n.objectLocal = n.required !== undefined ||
      n.minProperties !== undefined || n.maxProperties !== undefined ||
      n.dependentRequired !== undefined;
  }
  /**
   * Finds a loop of applicators that check the same value (`$ref`, `allOf`,
   * ...): checking would never end. One issue for the first loop found.
   */
  loops(): void {
    // 1: on the path being explored, 2: done
    const state = new Map<Node, number>();
    for (const start of this.nodes) {
      if (state.has(start)) continue;
      state.set(start, 1);
      const stack: [Node, Node[], number][] = [[start, inPlaceEdges(start), 0]];
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top[2] >= top[1].length) {
          state.set(top[0], 2);
          stack.pop();
          continue;
        }
        const next = top[1][top[2]++];
        const seen = state.get(next);
        if (seen === 1) {
          const from = stack.findIndex((f) => f[0] === next);
          const loop = stack.slice(from).map((f) => this.paths.get(f[0])!);
          const shown = loop.length > 6
            ? [...loop.slice(0, 3), "...", ...loop.slice(-2)]
            : loop;
          this.fail(
            loop[0],
            `endless $ref loop: each step checks the same value (${
              [...shown, loop[0]].join(" -> ")
            })`,
          );
          return;
        }
        if (seen === undefined) {
          state.set(next, 1);
          stack.push([next, inPlaceEdges(next), 0]);
        }
      }
    }
  }
}

const compiledCache = new WeakMap<object, CompiledSchema>();

/**
 * Compiles a tool's `inputSchema` or `outputSchema` (a schema object).
 * `path` prefixes the issue paths (e.g. `tools[0].inputSchema`). Local
 * `$ref`s are resolved and linked (see the module's documentation). The
 * result is cached on the schema object, so a manifest's schemas compile
 * once. Throws {@link SchemaError} listing every problem.
 */
export function compileSchema(
  schema: Record<string, unknown>,
  path = "inputSchema",
): CompiledSchema {
  const cached = compiledCache.get(schema);
  if (cached) return cached;
  if (jsonDepth(schema, MAX_SCHEMA_DEPTH) > MAX_SCHEMA_DEPTH) {
    throw new SchemaError([
      `${path}: nested more than ${MAX_SCHEMA_DEPTH} levels deep`,
    ]);
  }
  const c = new Compiler();
  const root = c.node(schema, path, { obj: schema, path });
  c.drain();
  if (c.issues.length === 0) c.loops();
  if (c.issues.length > 0) throw new SchemaError(c.issues);
  for (const n of c.nodes) n.size = c.nodes.length;
  compiledCache.set(schema, root);
  return root;
}

// ---------------------------------------------------------------------------
// Checking

interface PathRef {
  parent: PathRef | null;
  key: string | number;
  /** The key itself is checked (`propertyNames`), not its value. */
  name?: boolean;
}

function pathText(p: PathRef | null): string {
  const keys: (string | number)[] = [];
  for (let q = p; q !== null; q = q.parent) keys.push(q.key);
  let out = "";
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    out += typeof k === "number" ? `[${k}]` : out === "" ? k : `.${k}`;
  }
  return out;
}

function isPlain(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeBits(v: unknown): number {
  switch (typeof v) {
    case "string":
      return T_STRING;
    case "number":
      if (!Number.isFinite(v)) return 0;
      return Number.isInteger(v) ? T_NUMBER | T_INTEGER : T_NUMBER;
    case "boolean":
      return T_BOOLEAN;
    case "object":
      return v === null ? T_NULL : Array.isArray(v) ? T_ARRAY : T_OBJECT;
    default:
      return 0;
  }
}

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** A finite number as an integer times a power of ten (its shortest decimal form). */
function decimal(x: number): [bigint, number] {
  const s = String(Math.abs(x)); // "12.5", "1e+21", "1.5e-7"
  let digits = s;
  let exp = 0;
  const e = s.indexOf("e");
  if (e >= 0) {
    digits = s.slice(0, e);
    exp = Number(s.slice(e + 1));
  }
  const dot = digits.indexOf(".");
  if (dot >= 0) {
    exp -= digits.length - dot - 1;
    digits = digits.slice(0, dot) + digits.slice(dot + 1);
  }
  return [BigInt(digits), exp];
}

/**
 * Whether `v` is an integer multiple of `m` (> 0), in exact decimal
 * arithmetic on the numbers as JSON writes them: 0.3 is a multiple of 0.1
 * (in binary floating point 0.3 / 0.1 is 2.9999999999999996).
 */
function isMultiple(v: number, m: number): boolean {
  if (Number.isSafeInteger(v) && Number.isSafeInteger(m)) return v % m === 0;
  const [a, ea] = decimal(v);
  const [b, eb] = decimal(m);
  // v / m = (a / b) × 10^(ea - eb); exponents stay within ±650
  return ea >= eb
    ? (a * 10n ** BigInt(ea - eb)) % b === 0n
    : a % (b * 10n ** BigInt(eb - ea)) === 0n;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Work units between two yields of the checker. */
const YIELD_UNITS = 4096;

/** One subschema to apply to one part of the value. */
interface Task {
  s: Node;
  v: unknown;
  path: PathRef | null;
  /** Its problem will be dropped (an anyOf branch, ...): not worth writing. */
  quiet: boolean;
}

/**
 * A subschema's applicators at work: yields the subschemas to apply (and
 * receives each one's problem or `null`) or a number to let the checker
 * yield; returns the first problem or `null`.
 */
type Frame = Generator<Task | number, string | null, string | null | undefined>;

/**
 * The checker as a generator: it yields every {@link YIELD_UNITS} units of
 * work (and after each large `pattern` match) and returns the first problem
 * found, or `null`. Iterative (an explicit stack of frames): depth costs no
 * host stack. `name` is what the value is called in messages (by default
 * "the arguments", with `property "a.b"` for its parts).
 */
function* checker(
  root: Node,
  value: unknown,
  name?: string,
): Generator<void, string | null> {
  let units = 0;
  // Object.keys of a large object costs milliseconds: once per object
  const keysCache = new Map<object, string[]>();
  const keysOf = (o: object): string[] => {
    let k = keysCache.get(o);
    if (k === undefined) {
      k = Object.keys(o);
      if (k.length > 64) keysCache.set(o, k);
    }
    return k;
  };
  const rootName = name ?? "the arguments";
  /** The part's path: `a.b[0]` (arguments), `name.a.b[0]` (a named value). */
  /**
   * Set while a quiet task runs: its problems are dropped (an `anyOf`
   * branch that does not match), so their paths are not written out.
   */
  let hush = false;
  const partText = (p: PathRef): string => {
    if (hush) return "";
    const text = pathText(p);
    return clip(
      name === undefined
        ? text
        : `${name}${text.startsWith("[") ? "" : "."}${text}`,
      200,
    );
  };
  const where = (p: PathRef | null): string =>
    p === null
      ? rootName
      : p.name
      ? `the name of ${name === undefined ? "property " : ""}"${partText(p)}"`
      : name === undefined
      ? `property "${partText(p)}"`
      : partText(p);
  const missing = (p: PathRef | null, key: string): string =>
    `missing required property "${partText({ parent: p, key })}"`;

  // 1. nesting depth of the value, one child per step; its size
  const tooDeep = `${rootName} ${
    name === undefined ? "are" : "is"
  } nested more than ${MAX_ARGUMENT_DEPTH} levels deep`;
  interface Cursor {
    v: unknown[] | Obj;
    keys: string[] | null;
    i: number;
    d: number;
  }
  const cursors: Cursor[] = [];
  const enter = (v: object, d: number) => {
    const keys = Array.isArray(v) ? null : keysOf(v);
    cursors.push({ v: v as unknown[] | Obj, keys, i: 0, d });
  };
  let parts = 1;
  if (typeof value === "object" && value !== null) enter(value, 1);
  while (cursors.length > 0) {
    const top = cursors[cursors.length - 1];
    const n = top.keys !== null ? top.keys.length : (top.v as unknown[]).length;
    if (top.i >= n) {
      cursors.pop();
      continue;
    }
    const c = top.keys !== null
      ? (top.v as Obj)[top.keys[top.i]]
      : (top.v as unknown[])[top.i];
    top.i++;
    parts++;
    if (typeof c === "object" && c !== null) {
      if (top.d >= MAX_ARGUMENT_DEPTH) return tooDeep;
      enter(c, top.d + 1);
    }
    if (++units >= YIELD_UNITS) {
      units = 0;
      yield;
    }
  }

  // 2. the schema: a subschema's own keywords at once, its applicators in
  // frames (depth first, in document order)
  const maxSteps = Math.max(
    MIN_CHECK_STEPS,
    CHECK_STEP_FACTOR * root.size * parts,
  );
  let steps = 0;
  /** A problem that ends the whole check (not a mismatch an anyOf may absorb). */
  let abort: string | null = null;

  /** The keywords that need no subschema; the first problem or `null`. */
  const local = (s: Node, v: unknown, path: PathRef | null): string | null => {
    if (s.never) return `${where(path)} is not allowed`;
    if (s.types !== 0 && (typeBits(v) & s.types) === 0) {
      return `${where(path)} must be of type ${s.typeText}`;
    }
    if (s.enumSet !== undefined || s.constKey !== undefined) {
      const budget = Math.max(s.enumMax, s.constKey?.length ?? 0);
      const key = canonicalJson(v, budget, keysOf);
      units += key === null ? budget : key.length;
      if (s.enumSet !== undefined && (key === null || !s.enumSet.has(key))) {
        return `${where(path)} must be one of ${s.enumText}`;
      }
      if (s.constKey !== undefined && key !== s.constKey) {
        return `${where(path)} must be ${s.constText}`;
      }
    }
    if (typeof v === "number") {
      if (s.minimum !== undefined && v < s.minimum) {
        return `${where(path)} must be >= ${s.minimum}`;
      }
      if (s.maximum !== undefined && v > s.maximum) {
        return `${where(path)} must be <= ${s.maximum}`;
      }
      if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) {
        return `${where(path)} must be > ${s.exclusiveMinimum}`;
      }
      if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) {
        return `${where(path)} must be < ${s.exclusiveMaximum}`;
      }
      if (s.multipleOf !== undefined && Number.isFinite(v)) {
        units += 16;
        if (!isMultiple(v, s.multipleOf)) {
          return `${where(path)} must be a multiple of ${s.multipleOf}`;
        }
      }
    } else if (typeof v === "string") {
      if (s.minLength !== undefined || s.maxLength !== undefined) {
        const len = codePoints(v);
        units += v.length >> 4;
        if (s.minLength !== undefined && len < s.minLength) {
          return `${
            where(path)
          } must be at least ${s.minLength} characters long`;
        }
        if (s.maxLength !== undefined && len > s.maxLength) {
          return `${
            where(path)
          } must be at most ${s.maxLength} characters long`;
        }
      }
      if (s.pattern !== undefined) {
        const work = v.length * s.pattern.size;
        if (work > MAX_MATCH_WORK) {
          hush = false; // this problem is reported
          return abort = `${
            where(path)
          } is too long to check against its pattern (${v.length} characters; at most ${
            Math.floor(MAX_MATCH_WORK / s.pattern.size)
          } for this pattern)`;
        }
        const ok = s.pattern.re.test(v);
        units += work >> 6;
        if (!ok) {
          return `${where(path)} must match the pattern ${
            clip(s.pattern.source, 200)
          }`;
        }
      }
    } else if (Array.isArray(v)) {
      if (s.minItems !== undefined && v.length < s.minItems) {
        return `${where(path)} must have at least ${s.minItems} items`;
      }
      if (s.maxItems !== undefined && v.length > s.maxItems) {
        return `${where(path)} must have at most ${s.maxItems} items`;
      }
    } else if (s.objectLocal && isPlain(v)) {
      if (s.required !== undefined) {
        // stops at the first missing name: at most one more lookup than
        // the object has properties
        for (const r of s.required) {
          units++;
          if (!Object.hasOwn(v, r)) return missing(path, r);
        }
      }
      if (s.minProperties !== undefined || s.maxProperties !== undefined) {
        const n = keysOf(v).length;
        if (s.minProperties !== undefined && n < s.minProperties) {
          return `${where(path)} must have at least ${
            plural(s.minProperties, "property", "properties")
          }`;
        }
        if (s.maxProperties !== undefined && n > s.maxProperties) {
          return `${where(path)} must have at most ${
            plural(s.maxProperties, "property", "properties")
          }`;
        }
      }
      for (const [k, names] of s.dependentRequired ?? []) {
        units++;
        if (!Object.hasOwn(v, k)) continue;
        for (const r of names) {
          units++;
          if (!Object.hasOwn(v, r)) {
            return `${missing(path, r)} (required when "${
              partText({ parent: path, key: k })
            }" is present)`;
          }
        }
      }
    }
    return null;
  };

  function* arrayParts(
    s: Node,
    v: unknown[],
    path: PathRef | null,
    quiet: boolean,
  ): Frame {
    const n = v.length;
    const prefix = s.prefixItems ?? [];
    const rest = s.items !== undefined && s.items !== ANY ? s.items : undefined;
    const end = rest !== undefined ? n : Math.min(n, prefix.length);
    for (let i = 0; i < end; i++) {
      const sub = i < prefix.length ? prefix[i] : rest!;
      if (sub !== ANY) {
        const r = yield {
          s: sub,
          v: v[i],
          path: { parent: path, key: i },
          quiet,
        };
        if (r) return r;
      } else if (++units >= YIELD_UNITS) yield 0;
    }
    if (
      s.contains !== undefined &&
      (s.minContains > 0 || s.maxContains !== undefined)
    ) {
      const min = s.minContains;
      const max = s.maxContains;
      let count = 0;
      if (s.contains === ANY) count = n;
      else if (s.contains !== NEVER) {
        for (let i = 0; i < n; i++) {
          const r = yield {
            s: s.contains,
            v: v[i],
            path: { parent: path, key: i },
            quiet: true,
          };
          if (!r) {
            count++;
            if (max === undefined ? count >= min : count > max) break;
          }
        }
      }
      if (max !== undefined && count > max) {
        return `${where(path)} must have at most ${
          plural(max, "item", "items")
        } matching "contains"`;
      }
      if (count < min) {
        return `${where(path)} must have at least ${
          plural(min, "item", "items")
        } matching "contains" (has ${count})`;
      }
    }
    if (s.uniqueItems && n > 1) {
      const seen = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const key = canonicalJson(v[i], Infinity, keysOf)!;
        units += 1 + (key.length >> 4);
        const j = seen.get(key);
        if (j !== undefined) {
          return `${
            where(path)
          } must have unique items (items ${j} and ${i} are equal)`;
        }
        seen.set(key, i);
        if (units >= YIELD_UNITS) yield 0;
      }
    }
    return null;
  }

  function* objectParts(
    s: Node,
    v: Obj,
    path: PathRef | null,
    quiet: boolean,
  ): Frame {
    const add = s.additional !== ANY ? s.additional : undefined;
    const names = s.propertyNames !== ANY ? s.propertyNames : undefined;
    let r: string | null | undefined;
    for (const k of keysOf(v)) {
      const at: PathRef = { parent: path, key: k };
      if (names !== undefined) {
        r = yield {
          quiet,
          s: names,
          v: k,
          path: { parent: path, key: k, name: true },
        };
        if (r) return r;
      }
      let matched = false;
      const p = s.properties?.get(k);
      if (p !== undefined) {
        matched = true;
        if (p !== ANY) {
          r = yield { s: p, v: v[k], path: at, quiet };
          if (r) return r;
        }
      }
      for (const [pat, sub] of s.patternProperties ?? []) {
        const work = k.length * pat.size;
        if (work > MAX_MATCH_WORK) {
          hush = false; // this problem is reported
          return abort = `the name of ${
            name === undefined ? "property " : ""
          }"${
            partText(at)
          }" is too long to check against the patternProperties pattern ${
            clip(pat.source, 100)
          } (${k.length} characters; at most ${
            Math.floor(MAX_MATCH_WORK / pat.size)
          })`;
        }
        units += work >> 6;
        if (pat.re.test(k)) {
          matched = true;
          if (sub !== ANY) {
            r = yield { s: sub, v: v[k], path: at, quiet };
            if (r) return r;
          }
        }
      }
      if (!matched && add !== undefined) {
        r = yield { s: add, v: v[k], path: at, quiet };
        if (r) return r;
      }
      if (++units >= YIELD_UNITS) yield 0;
    }
    for (const [k, sub] of s.dependentSchemas ?? []) {
      if (Object.hasOwn(v, k)) {
        r = yield { s: sub, v, path, quiet };
        if (r) return r;
      }
    }
    return null;
  }

  /** A subschema's applicators (its own keywords have passed). */
  function* applicators(
    s: Node,
    v: unknown,
    path: PathRef | null,
    quiet: boolean,
  ): Frame {
    let r: string | null | undefined;
    if (s.ref !== undefined) {
      r = yield { s: s.ref, v, path, quiet };
      if (r) return r;
    }
    for (const sub of s.allOf ?? []) {
      r = yield { s: sub, v, path, quiet };
      if (r) return r;
    }
    if (Array.isArray(v)) {
      if (s.arrayWork) {
        r = yield* arrayParts(s, v, path, quiet);
        if (r) return r;
      }
    } else if (s.objectWork && isPlain(v)) {
      r = yield* objectParts(s, v, path, quiet);
      if (r) return r;
    }
    if (s.anyOf !== undefined) {
      const list = s.anyOf;
      let first: string | null | undefined;
      let ok = false;
      // one schema: its own problem is the one reported
      const dropped = quiet || list.length > 1;
      for (const sub of list) {
        r = yield { s: sub, v, path, quiet: dropped };
        if (!r) {
          ok = true;
          break;
        }
        first ??= r;
      }
      // one schema: its own problem says more
      if (!ok && list.length === 1) return first!;
      if (!ok) {
        return `${
          where(path)
        } must match at least one of anyOf's ${list.length} schemas (matches none)`;
      }
    }
    if (s.oneOf !== undefined) {
      const list = s.oneOf;
      let match = -1;
      let first: string | null | undefined;
      const dropped = quiet || list.length > 1;
      for (let i = 0; i < list.length; i++) {
        r = yield { s: list[i], v, path, quiet: dropped };
        if (r) {
          first ??= r;
          continue;
        }
        if (match >= 0) {
          return `${
            where(path)
          } must match exactly one of oneOf's ${list.length} schemas (matches oneOf[${match}] and oneOf[${i}])`;
        }
        match = i;
      }
      if (match < 0 && list.length === 1) return first!;
      if (match < 0) {
        return `${
          where(path)
        } must match exactly one of oneOf's ${list.length} schemas (matches none)`;
      }
    }
    if (s.not !== undefined) {
      r = yield { s: s.not, v, path, quiet: true };
      if (!r) return `${where(path)} must not match the schema of "not"`;
    }
    if (s.if !== undefined && (s.then !== undefined || s.else !== undefined)) {
      r = yield { s: s.if, v, path, quiet: true };
      const branch = r ? s.else : s.then;
      if (branch !== undefined) {
        r = yield { s: branch, v, path, quiet };
        if (r) return r;
      }
    }
    return null;
  }

  const frames: Frame[] = [];
  /** Whether each frame's problems are dropped (see {@link Task.quiet}). */
  const quietFrames: boolean[] = [];
  /** Applies `s` to `v`: a problem, `null`, or `undefined` (a frame was pushed). */
  const begin = (
    s: Node,
    v: unknown,
    path: PathRef | null,
    quiet: boolean,
  ): string | null | undefined => {
    steps++;
    units++;
    if (s === ANY) return null;
    hush = quiet;
    const problem = local(s, v, path);
    if (problem !== null) return problem;
    if (
      s.inPlace ||
      (Array.isArray(v) ? s.arrayWork : s.objectWork && isPlain(v))
    ) {
      frames.push(applicators(s, v, path, quiet));
      quietFrames.push(quiet);
      return undefined;
    }
    return null;
  };
  let result = begin(root, value, null, false);
  while (frames.length > 0 && abort === null) {
    if (steps > maxSteps) {
      return `${rootName} cannot be checked: the schema takes more than ${maxSteps} steps on ${
        name === undefined ? "them" : "it"
      } (its references and combinators repeat work)`;
    }
    if (units >= YIELD_UNITS) {
      units = 0;
      yield;
    }
    hush = quietFrames[quietFrames.length - 1];
    const next = frames[frames.length - 1].next(result);
    if (next.done) {
      frames.pop();
      quietFrames.pop();
      result = next.value;
    } else if (typeof next.value === "number") {
      result = undefined; // a pause: the loop yields when the units say so
    } else {
      const t = next.value;
      result = begin(t.s, t.v, t.path, t.quiet);
    }
  }
  return abort ?? result ?? null;
}

function compiled(schema: CompiledSchema | Record<string, unknown>): Node {
  return (compiledNodes.has(schema)
    ? schema
    : compileSchema(schema as Record<string, unknown>)) as Node;
}

function runToEnd(gen: Generator<void, string | null>): string | null {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/**
 * Checks tool arguments against a schema (compiled with
 * {@link compileSchema}, which a raw schema object is given to first),
 * synchronously. Returns a one-line problem or `null`. Throws
 * {@link SchemaError} for an unusable schema.
 */
export function checkArguments(
  schema: CompiledSchema | Record<string, unknown>,
  args: unknown,
): string | null {
  return runToEnd(checker(compiled(schema), args));
}

/**
 * Checks any JSON value (such as a result's `structuredContent` against the
 * tool's `outputSchema`) against a schema, like {@link checkArguments}; the
 * problem names the value `name` and its parts from there:
 * `structuredContent.items[2] must be of type string`,
 * `missing required property "structuredContent.total"`. For a check that
 * yields to the event loop, give `name` to {@link checkArgumentsAsync}.
 */
export function checkValue(
  schema: CompiledSchema | Record<string, unknown>,
  value: unknown,
  name: string,
): string | null {
  return runToEnd(checker(compiled(schema), value, name));
}

/** Outcome of {@link checkArgumentsAsync}. */
export type CheckOutcome =
  | { ok: true }
  | { ok: false; problem: string }
  | { ok: false; stopped: "timeout" | "cancelled" };

/** Options of {@link checkArgumentsAsync}. */
export interface CheckOptions {
  /** Stops the check (outcome `cancelled`). */
  signal?: AbortSignal;
  /** `performance.now()` time after which the check stops (outcome `timeout`). */
  deadline?: number;
  /** Longest run between two yields to the event loop, in ms (default 10). */
  sliceMs?: number;
  /**
   * What the value is called in problems, as in {@link checkValue} (e.g.
   * `structuredContent`); by default it is "the arguments", and its parts
   * `property "a.b"`.
   */
  name?: string;
}

/**
 * Checks tool arguments (or, with `o.name`, any JSON value) against a
 * compiled schema without holding the event loop: it yields every
 * `sliceMs`, and stops when the signal aborts or the deadline passes (also
 * checked before it starts and when it ends).
 */
export async function checkArgumentsAsync(
  schema: CompiledSchema,
  args: unknown,
  o: CheckOptions = {},
): Promise<CheckOutcome> {
  const slice = o.sliceMs ?? 10;
  const deadline = o.deadline ?? Infinity;
  const stop = (): CheckOutcome | null =>
    o.signal?.aborted
      ? { ok: false, stopped: "cancelled" }
      : performance.now() > deadline
      ? { ok: false, stopped: "timeout" }
      : null;
  const gen = checker(compiled(schema), args, o.name);
  let start = performance.now();
  for (;;) {
    const early = stop();
    if (early) return early;
    const r = gen.next();
    if (r.done) {
      return stop() ??
        (r.value === null ? { ok: true } : { ok: false, problem: r.value });
    }
    if (performance.now() - start >= slice) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      start = performance.now();
    }
  }
}
