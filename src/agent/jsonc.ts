/**
 * A small JSONC reader: JSON plus `//` and `/* *\/` comments and trailing
 * commas. Comments are blanked out (newlines kept, so positions stay valid)
 * by a tokenizer that knows string literals, then trailing commas are
 * removed, then `JSON.parse` does the rest.
 *
 * @module
 */

/** A JSONC syntax error with a 1-based line and column. */
export class JsoncError extends Error {
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column of the error. */
  readonly column: number;
  /** Creates the error; the message has no position prefix. */
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = "JsoncError";
    this.line = line;
    this.column = column;
  }
}

function position(text: string, offset: number): [number, number] {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return [line, col];
}

/**
 * Returns `text` with comments replaced by spaces and trailing commas (before
 * `}` or `]`) removed, keeping every other character at its offset.
 * Throws {@link JsoncError} for an unterminated block comment or string.
 * Works on one array of UTF-16 code units (two bytes per character of
 * `text`); lone surrogates become U+FFFD.
 */
export function stripJsonc(text: string): string {
  const n = text.length;
  const out = new Uint16Array(n);
  for (let k = 0; k < n; k++) out[k] = text.charCodeAt(k);
  let i = 0;
  let lastComma = -1; // offset of a comma that may turn out to be trailing
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== NL) out[k] = SPACE;
  };
  while (i < n) {
    const c = out[i];
    if (c === QUOTE) {
      const start = i;
      i++;
      while (i < n && out[i] !== QUOTE) {
        if (out[i] === BACKSLASH) i++;
        else if (out[i] === NL) break;
        i++;
      }
      if (i >= n || out[i] !== QUOTE) {
        const [l, col] = position(text, start);
        throw new JsoncError("unterminated string", l, col);
      }
      i++;
      lastComma = -1;
      continue;
    }
    if (c === SLASH && out[i + 1] === SLASH) {
      const start = i;
      while (i < n && out[i] !== NL) i++;
      blank(start, i);
      continue;
    }
    if (c === SLASH && out[i + 1] === STAR) {
      const start = i;
      const end = text.indexOf("*/", i + 2);
      if (end < 0) {
        const [l, col] = position(text, start);
        throw new JsoncError("unterminated /* comment", l, col);
      }
      i = end + 2;
      blank(start, i);
      continue;
    }
    if (c === COMMA) {
      lastComma = i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (lastComma >= 0) out[lastComma] = SPACE;
      lastComma = -1;
    } else if (!isSpace(c)) {
      lastComma = -1;
    }
    i++;
  }
  return new TextDecoder("utf-16le", { ignoreBOM: true }).decode(out);
}

const NL = 0x0a,
  SPACE = 0x20,
  QUOTE = 0x22,
  COMMA = 0x2c,
  SLASH = 0x2f,
  STAR = 0x2a,
  BACKSLASH = 0x5c,
  CLOSE_BRACE = 0x7d,
  CLOSE_BRACKET = 0x5d;

/** JSON white space, plus the other characters `\s` matches. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 ||
    c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f ||
    c === 0x3000;
}

/**
 * Parses JSONC text. Throws {@link JsoncError} (with line and column) for any
 * syntax error.
 */
export function parseJsonc(text: string): unknown {
  const src = text.replace(/^\uFEFF/, "");
  const stripped = stripJsonc(src);
  if (stripped.trim() === "") throw new JsoncError("empty document", 1, 1);
  try {
    return JSON.parse(stripped);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg) ?? /at (\d+)/.exec(msg);
    let offset = m ? Number(m[1]) : -1;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    if (offset < 0 && lc) {
      throw new JsoncError(cleanMessage(msg), Number(lc[1]), Number(lc[2]));
    }
    if (offset < 0) offset = stripped.length;
    const [l, col] = position(src, offset);
    throw new JsoncError(cleanMessage(msg), l, col);
  }
}

function cleanMessage(msg: string): string {
  return msg
    .split("\n")[0]
    .replace(/\s*(in JSON )?at position \d+.*$/, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "")
    .replace(/^JSON\.parse: /, "")
    .trim() || "invalid JSON";
}
