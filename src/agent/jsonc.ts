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
 */
export function stripJsonc(text: string): string {
  const out = text.split("");
  const n = text.length;
  let i = 0;
  let lastComma = -1; // offset of a comma that may turn out to be trailing
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === "\\") i++;
        else if (text[i] === "\n") break;
        i++;
      }
      if (i >= n || text[i] !== '"') {
        const [l, col] = position(text, start);
        throw new JsoncError("unterminated string", l, col);
      }
      i++;
      lastComma = -1;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const start = i;
      while (i < n && text[i] !== "\n") i++;
      blank(start, i);
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
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
    if (c === ",") {
      lastComma = i;
    } else if (c === "}" || c === "]") {
      if (lastComma >= 0) out[lastComma] = " ";
      lastComma = -1;
    } else if (!/\s/.test(c)) {
      lastComma = -1;
    }
    i++;
  }
  return out.join("");
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
