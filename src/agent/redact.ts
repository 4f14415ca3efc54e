/**
 * Secret redaction: every occurrence of a secret value in guest output or in
 * a diagnostic becomes `[REDACTED]`.
 *
 * Contract (the same for whole strings and for streams):
 * - the needles are each secret value and its JSON-escaped form (so a secret
 *   quoted in a JSON document is caught too); empty values are ignored;
 * - every byte (or character) covered by an occurrence of any needle is
 *   replaced; occurrences that overlap or touch form one run, and each run
 *   becomes one `[REDACTED]` (so nothing of any occurrence, not even where two
 *   secrets overlap, is left visible);
 * - for a stream, the concatenated output does not depend on how the input
 *   was split into chunks: {@link StreamRedactor} holds back at most as many
 *   bytes as the longest needle minus one, so a secret split over any number
 *   of chunks (also inside a multi-byte UTF-8 character) is still caught; at
 *   the end the held tail goes through the same redaction. It works on bytes,
 *   so binary output passes through unchanged where it holds no secret, and
 *   matching is linear in the input (KMP per needle), whatever the guest
 *   writes.
 *
 * A stream cut short (output truncated at a cap) can end with the first bytes
 * of a secret: `end({ maskPartial: true })` and `redactText(..., {maskPartial})`
 * redact such a trailing prefix too.
 *
 * Redaction is a safety net against accidental leaks: a guest that knows a
 * secret can always print it transformed (reversed, base64).
 *
 * @module
 */

/** What every secret occurrence is replaced with. */
export const REDACTED = "[REDACTED]";

const encoder = new TextEncoder();
const REDACTED_BYTES = encoder.encode(REDACTED);

/**
 * The strings to redact for `secrets` (values of a record, or a list): each
 * non-empty value and its JSON-escaped form, without duplicates.
 */
export function secretNeedles(
  secrets: Record<string, string> | Iterable<string>,
): string[] {
  const values = Symbol.iterator in secrets
    ? [...(secrets as Iterable<string>)]
    : Object.values(secrets as Record<string, string>);
  const needles = new Set<string>();
  for (const v of values) {
    if (typeof v !== "string" || v.length === 0) continue;
    needles.add(v);
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped.length > 0) needles.add(escaped);
  }
  return [...needles];
}

/** Options of {@link redactText} and {@link StreamRedactor.end}. */
export interface RedactEndOptions {
  /**
   * The text was cut short: a trailing prefix of a needle is redacted too
   * (default false: at a natural end a few bytes that begin a secret are not
   * the secret).
   */
  maskPartial?: boolean;
}

/** Merges sorted `[start, end)` intervals that overlap or touch. */
function mergeRuns(runs: number[][]): number[][] {
  runs.sort((a, b) => a[0] - b[0]);
  const out: number[][] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1]) {
      last[1] = Math.max(last[1], r[1]);
    } else out.push([r[0], r[1]]);
  }
  return out;
}

/**
 * Redacts every occurrence of `needles` in `text` (see the module contract).
 * Text without any occurrence is returned unchanged (the same string).
 */
export function redactText(
  text: string,
  needles: readonly string[],
  opts: RedactEndOptions = {},
): string {
  const runs: number[][] = [];
  for (const n of needles) {
    if (n.length === 0) continue;
    let last: number[] | undefined;
    for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + 1)) {
      // same length, increasing start: merge with the previous occurrence
      if (last !== undefined && i <= last[1]) last[1] = i + n.length;
      else runs.push(last = [i, i + n.length]);
    }
    if (opts.maskPartial) {
      for (let k = Math.min(n.length - 1, text.length); k > 0; k--) {
        if (text.endsWith(n.slice(0, k))) {
          runs.push([text.length - k, text.length]);
          break;
        }
      }
    }
  }
  if (runs.length === 0) return text;
  let out = "";
  let cursor = 0;
  for (const [s, e] of mergeRuns(runs)) {
    out += text.slice(cursor, s) + REDACTED;
    cursor = e;
  }
  return out + text.slice(cursor);
}

/**
 * A string redactor for `secrets` (see {@link secretNeedles}); the identity
 * when there is no secret.
 */
export function secretRedactor(
  secrets: Record<string, string> | Iterable<string>,
): (t: string) => string {
  const needles = secretNeedles(secrets);
  if (needles.length === 0) return (t) => t;
  return (t) => redactText(t, needles);
}

/** KMP failure table of `p`. */
function failure(p: Uint8Array): Int32Array {
  const f = new Int32Array(p.length);
  for (let i = 1, k = 0; i < p.length; i++) {
    while (k > 0 && p[i] !== p[k]) k = f[k - 1];
    if (p[i] === p[k]) k++;
    f[i] = k;
  }
  return f;
}

/**
 * A streaming byte redactor: {@link write} takes guest output chunk by chunk
 * and passes redacted bytes to the sink, holding back at most the longest
 * needle's length minus one; {@link end} flushes the tail. Without needles it
 * is a pass-through (every chunk goes to the sink as is, at once).
 *
 * The sink's return value (for example a promise of the write, for
 * backpressure) is returned by `write`/`end`; they return `undefined` when
 * nothing was passed to the sink.
 */
export class StreamRedactor<R = void> {
  readonly #sink: (bytes: Uint8Array) => R;
  readonly #needles: Uint8Array[];
  readonly #fail: Int32Array[];
  readonly #state: Int32Array;
  readonly #hold: number;
  /** Absolute offset of the next input byte. */
  #pos = 0;
  /** Absolute offset of the first byte neither emitted nor dropped. */
  #out = 0;
  /** Input bytes `[#out, #pos)`. */
  #held = new Uint8Array(0);
  /** Pending runs `[start, end)`, sorted, disjoint, not touching. */
  #runs: number[][] = [];

  /** A redactor of `needles` (see {@link secretNeedles}) writing to `sink`. */
  constructor(needles: readonly string[], sink: (bytes: Uint8Array) => R) {
    this.#sink = sink;
    this.#needles = [
      ...new Set(needles.filter((n) => n.length > 0)),
    ].map((n) => encoder.encode(n));
    this.#fail = this.#needles.map(failure);
    this.#state = new Int32Array(this.#needles.length);
    this.#hold = Math.max(0, ...this.#needles.map((n) => n.length - 1));
  }

  /** False when there is nothing to redact (a pass-through). */
  get active(): boolean {
    return this.#needles.length > 0;
  }

  /** At most this many bytes are held back between writes. */
  get holdBack(): number {
    return this.#hold;
  }

  /** Takes the next chunk of the stream. */
  write(chunk: Uint8Array): R | undefined {
    if (this.#needles.length === 0) {
      return chunk.length > 0 ? this.#sink(chunk) : undefined;
    }
    if (chunk.length === 0) return undefined;
    const found: number[][] = [];
    for (let k = 0; k < this.#needles.length; k++) {
      this.#scan(k, chunk, found);
    }
    if (found.length > 0) {
      this.#runs = mergeRuns(this.#runs.concat(found));
    }
    const held = this.#held;
    const all = new Uint8Array(held.length + chunk.length);
    all.set(held);
    all.set(chunk, held.length);
    this.#held = all;
    this.#pos += chunk.length;
    return this.#emit(this.#pos - this.#hold);
  }

  /**
   * Ends the stream: the held tail is redacted and flushed; the redactor is
   * then ready for a new stream.
   */
  end(opts: RedactEndOptions = {}): R | undefined {
    if (this.#needles.length === 0) return undefined;
    if (opts.maskPartial) {
      const extra: number[][] = [];
      for (let k = 0; k < this.#state.length; k++) {
        const s = this.#state[k];
        if (s > 0) extra.push([this.#pos - s, this.#pos]);
      }
      if (extra.length > 0) this.#runs = mergeRuns(this.#runs.concat(extra));
    }
    const r = this.#emit(this.#pos);
    this.#state.fill(0);
    this.#runs = [];
    this.#held = new Uint8Array(0);
    this.#pos = this.#out = 0;
    return r;
  }

  /** KMP over `chunk` for needle `k`, pushing merged occurrence runs. */
  #scan(k: number, chunk: Uint8Array, found: number[][]): void {
    const p = this.#needles[k];
    const f = this.#fail[k];
    const len = p.length;
    const first = p[0];
    let st = this.#state[k];
    let last: number[] | undefined;
    const n = chunk.length;
    for (let j = 0; j < n; j++) {
      if (st === 0) {
        const at = chunk.indexOf(first, j);
        if (at < 0) break;
        j = at;
      }
      const b = chunk[j];
      while (st > 0 && p[st] !== b) st = f[st - 1];
      if (p[st] === b) st++;
      if (st === len) {
        const end = this.#pos + j + 1;
        const start = end - len;
        if (last !== undefined && start <= last[1]) last[1] = end;
        else found.push(last = [start, end]);
        st = f[len - 1];
      }
    }
    this.#state[k] = st;
  }

  /** Emits everything before absolute offset `safe` that no match can reach. */
  #emit(safe: number): R | undefined {
    const pieces: Uint8Array[] = [];
    const base = this.#out;
    const held = this.#held;
    let cursor = this.#out;
    let open = false;
    let done = 0;
    for (const run of this.#runs) {
      if (run[0] >= safe) break;
      if (run[0] > cursor) {
        pieces.push(held.subarray(cursor - base, run[0] - base));
        cursor = run[0];
      }
      if (run[1] <= safe) {
        pieces.push(REDACTED_BYTES);
        cursor = run[1];
        done++;
        continue;
      }
      // a run still growing: its bytes so far are dropped, its [REDACTED]
      // comes when it ends
      cursor = Math.max(cursor, safe);
      open = true;
      break;
    }
    if (done > 0) this.#runs = this.#runs.slice(done);
    if (!open && cursor < safe) {
      pieces.push(held.subarray(cursor - base, safe - base));
      cursor = safe;
    }
    if (cursor > this.#out) {
      this.#held = held.subarray(cursor - base);
      this.#out = cursor;
    }
    if (pieces.length === 0) return undefined;
    let total = 0;
    for (const p of pieces) total += p.length;
    if (total === 0) return undefined;
    const bytes = pieces.length === 1
      ? pieces[0].slice()
      : new Uint8Array(total);
    if (pieces.length > 1) {
      let off = 0;
      for (const p of pieces) {
        bytes.set(p, off);
        off += p.length;
      }
    }
    return this.#sink(bytes);
  }
}
