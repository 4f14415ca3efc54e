/**
 * Tool input schemas: compiled once when the manifest is loaded, then used to
 * check every call's arguments in time linear in the argument and the schema.
 *
 * Checked keywords: `type`, `enum`, `const`, `required`, `properties`,
 * `additionalProperties` (`false` or a schema), `items` (a schema),
 * `minItems`/`maxItems`, `minimum`/`maximum`,
 * `exclusiveMinimum`/`exclusiveMaximum`, `minLength`/`maxLength` (code
 * points) and `pattern`; boolean schemas (`true`/`false`) are understood.
 * Other keywords (`$ref`, `oneOf`, `format`, ...) are passed through to
 * clients but not checked: the agent validates the rest.
 *
 * Untrusted input is handled as such:
 * - a malformed checked keyword (an unknown `type` such as
 *   `"__defineGetter__"`, a `pattern` that is not a valid ECMAScript regular
 *   expression or uses features a linear-time matcher cannot run) is a
 *   {@link SchemaError} at load, naming the keyword's path;
 * - `pattern` runs on RE2 ({@link https://www.npmjs.com/package/re2js re2js}),
 *   whose matching time is linear in the input; the ECMAScript syntax of JSON
 *   Schema is translated (see {@link translatePattern}), and one match may do
 *   at most {@link MAX_MATCH_WORK} units of work (characters × program size);
 * - `enum` and `const` entries are put in canonical form once, at load; an
 *   argument value is canonicalized once per check, never longer than the
 *   longest entry;
 * - only own properties are looked up (`Map`s, `Object.hasOwn`);
 * - schemas nest at most {@link MAX_SCHEMA_DEPTH} levels and arguments at
 *   most {@link MAX_ARGUMENT_DEPTH};
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

interface Pattern {
  source: string;
  re: RE2JS;
  size: number;
}

/** A compiled schema node (an opaque value for callers). */
export interface CompiledSchema {
  /** `false` schema: nothing is allowed. */
  readonly never: boolean;
  /** Allowed types as a bit set (0: any). */
  readonly types: number;
  readonly typeText: string;
  readonly enumSet?: Set<string>;
  readonly enumMax: number;
  readonly enumText: string;
  readonly constKey?: string;
  readonly constText: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: Pattern;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: CompiledSchema;
  readonly required?: readonly string[];
  readonly properties?: ReadonlyMap<string, CompiledSchema>;
  /** `additionalProperties`: a schema (`false` compiles to a `never` node). */
  readonly additional?: CompiledSchema;
  /** Whether object keywords apply (properties/required/additionalProperties). */
  readonly objectKeywords: boolean;
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

const ANY: CompiledSchema = Object.freeze({
  never: false,
  types: 0,
  typeText: "",
  enumMax: 0,
  enumText: "",
  constText: "",
  objectKeywords: false,
});
const NEVER: CompiledSchema = Object.freeze({ ...ANY, never: true });
const compiledNodes = new WeakSet<object>([ANY, NEVER]);

class Compiler {
  issues: string[] = [];
  fail(path: string, why: string): void {
    this.issues.push(`${path}: ${why}`);
  }
  sub(v: unknown, path: string): CompiledSchema {
    if (v === true) return ANY;
    if (v === false) return NEVER;
    if (!isObj(v)) {
      this.fail(
        path,
        `expected a schema (an object or a boolean), got ${kind(v)}`,
      );
      return ANY;
    }
    return this.node(v, path);
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
  node(s: Obj, path: string): CompiledSchema {
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
    let enumSet: Set<string> | undefined;
    let enumMax = 0;
    let enumText = "";
    const e = own(s, "enum");
    if (e !== undefined) {
      if (!Array.isArray(e)) {
        this.fail(`${path}.enum`, `expected an array, got ${kind(e)}`);
      } else {
        enumSet = new Set();
        for (const entry of e) {
          const key = canonicalJson(entry)!;
          enumSet.add(key);
          enumMax = Math.max(enumMax, key.length);
        }
        enumText = listText(e);
      }
    }
    let constKey: string | undefined;
    let constText = "";
    if (Object.hasOwn(s, "const")) {
      constKey = canonicalJson(s.const)!;
      constText = listText([s.const]);
    }
    let pattern: Pattern | undefined;
    const p = own(s, "pattern");
    if (p !== undefined) {
      if (typeof p !== "string") {
        this.fail(`${path}.pattern`, `expected a string, got ${kind(p)}`);
      } else {
        try {
          pattern = compilePattern(p);
        } catch (err) {
          if (!(err instanceof PatternError)) throw err;
          this.fail(`${path}.pattern`, err.message);
        }
      }
    }
    let items: CompiledSchema | undefined;
    const it = own(s, "items");
    // the array form (tuples, before 2020-12) is passed through unchecked
    if (it !== undefined && !Array.isArray(it)) {
      items = this.sub(it, `${path}.items`);
    }
    let required: string[] | undefined;
    const r = own(s, "required");
    if (r !== undefined) {
      if (!Array.isArray(r) || r.some((x) => typeof x !== "string")) {
        this.fail(`${path}.required`, "expected an array of strings");
      } else required = r as string[];
    }
    let properties: Map<string, CompiledSchema> | undefined;
    const props = own(s, "properties");
    if (props !== undefined) {
      if (!isObj(props)) {
        this.fail(
          `${path}.properties`,
          `expected an object, got ${kind(props)}`,
        );
      } else {
        properties = new Map();
        for (const k of Object.keys(props)) {
          properties.set(
            k,
            this.sub(props[k], `${path}.properties.${clip(printable(k), 60)}`),
          );
        }
      }
    }
    let additional: CompiledSchema | undefined;
    const ap = own(s, "additionalProperties");
    if (ap !== undefined) {
      additional = this.sub(ap, `${path}.additionalProperties`);
    }
    const compiled: CompiledSchema = {
      never: false,
      types,
      typeText: typeNames.join(" or "),
      enumSet,
      enumMax,
      enumText,
      constKey,
      constText,
      minimum: this.num(s, "minimum", path, false),
      maximum: this.num(s, "maximum", path, false),
      exclusiveMinimum: this.num(s, "exclusiveMinimum", path, false),
      exclusiveMaximum: this.num(s, "exclusiveMaximum", path, false),
      minLength: this.num(s, "minLength", path, true),
      maxLength: this.num(s, "maxLength", path, true),
      pattern,
      minItems: this.num(s, "minItems", path, true),
      maxItems: this.num(s, "maxItems", path, true),
      items,
      required,
      properties,
      additional,
      objectKeywords: properties !== undefined || required !== undefined ||
        additional !== undefined,
    };
    compiledNodes.add(compiled);
    return compiled;
  }
}

const compiledCache = new WeakMap<object, CompiledSchema>();

/**
 * Compiles a tool's `inputSchema` (an object schema). `path` prefixes the
 * issue paths (e.g. `tools[0].inputSchema`). The result is cached on the
 * schema object, so a manifest's schemas compile once. Throws
 * {@link SchemaError} listing every problem.
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
  const node = c.node(schema, path);
  if (c.issues.length > 0) throw new SchemaError(c.issues);
  compiledCache.set(schema, node);
  return node;
}

// ---------------------------------------------------------------------------
// Checking

interface PathRef {
  parent: PathRef | null;
  key: string | number;
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

function where(p: PathRef | null): string {
  return p === null ? "the arguments" : `property "${clip(pathText(p), 200)}"`;
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

/** Work units between two yields of the checker. */
const YIELD_UNITS = 4096;

/**
 * The checker as a generator: it yields every {@link YIELD_UNITS} units of
 * work (and after each large `pattern` match) and returns the first problem
 * found, or `null`. Iterative (an explicit stack): depth costs no host stack.
 */
function* checker(
  root: CompiledSchema,
  args: unknown,
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
  // 1. nesting depth of the arguments, one child per step
  const tooDeep =
    `the arguments are nested more than ${MAX_ARGUMENT_DEPTH} levels deep`;
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
  if (typeof args === "object" && args !== null) enter(args, 1);
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
    if (typeof c === "object" && c !== null) {
      if (top.d >= MAX_ARGUMENT_DEPTH) return tooDeep;
      enter(c, top.d + 1);
    }
    if (++units >= YIELD_UNITS) {
      units = 0;
      yield;
    }
  }
  // 2. the schema, depth first in document order
  const stack: [CompiledSchema, unknown, PathRef | null][] = [[
    root,
    args,
    null,
  ]];
  while (stack.length > 0) {
    const [s, v, path] = stack.pop()!;
    units++;
    if (units >= YIELD_UNITS) {
      units = 0;
      yield;
    }
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
          return `${
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
      if (s.items !== undefined && s.items !== ANY) {
        for (let i = v.length - 1; i >= 0; i--) {
          stack.push([s.items, v[i], { parent: path, key: i }]);
        }
      }
    } else if (isPlain(v) && s.objectKeywords) {
      if (s.required !== undefined) {
        // stops at the first missing name: at most one more lookup than
        // the object has properties
        for (const r of s.required) {
          units++;
          if (!Object.hasOwn(v, r)) {
            return `missing required property "${
              clip(pathText({ parent: path, key: r }), 200)
            }"`;
          }
        }
      }
      const keys = keysOf(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i];
        const p = s.properties?.get(k) ?? s.additional;
        if (p !== undefined && p !== ANY) {
          stack.push([p, v[k], { parent: path, key: k }]);
        }
      }
      units += keys.length;
    }
  }
  return null;
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
  const compiled = compiledNodes.has(schema)
    ? schema as CompiledSchema
    : compileSchema(schema as Record<string, unknown>);
  const gen = checker(compiled, args);
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
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
}

/**
 * Checks tool arguments against a compiled schema without holding the event
 * loop: it yields every `sliceMs`, and stops when the signal aborts or the
 * deadline passes (also checked before it starts and when it ends).
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
  const gen = checker(schema, args);
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
