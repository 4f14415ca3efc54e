/**
 * The stdio transport of the MCP server: newline-delimited JSON (one UTF-8
 * JSON message per line) read from a byte stream with Web Streams and
 * written through a serialized writer, so messages never interleave.
 *
 * Flow control, so that memory stays bounded whatever the client does:
 * - an incoming line longer than `maxLine` ({@link DEFAULT_MAX_LINE}) is
 *   never buffered whole: it is skipped up to its newline and answered with
 *   one -32600 error;
 * - writes are asynchronous (a client that stops reading stdout never blocks
 *   the event loop), and the transport stops reading stdin while more than
 *   `maxQueuedOutput` bytes ({@link DEFAULT_MAX_QUEUED_OUTPUT}) wait to be
 *   written or `maxPendingRequests` ({@link DEFAULT_MAX_PENDING_REQUESTS})
 *   requests are being handled; reading resumes once both are back under
 *   their limits. A client that never reads its responses thus fills its
 *   own pipe to Porta and blocks, instead of growing Porta's memory: at most
 *   `maxPendingRequests` requests (each at most `maxLine` bytes) and their
 *   responses are held.
 *
 * @module
 */

import { type JsonRpcMessage, serialize } from "../jsonrpc.ts";
import type { Endpoint, EndpointFactory, Transport } from "./transport.ts";

/** Default cap of one incoming line: 4 MiB (counted in bytes, UTF-8). */
export const DEFAULT_MAX_LINE = 4 * 1024 * 1024;

/** Default output backlog past which stdin is no longer read: 1 MiB. */
export const DEFAULT_MAX_QUEUED_OUTPUT = 1024 * 1024;

/** Default number of requests in progress past which stdin is no longer read: 16. */
export const DEFAULT_MAX_PENDING_REQUESTS = 16;

/** How often a paused reader checks whether it may read again (ms). */
const PAUSE_POLL_MS = 5;

/** One item produced by {@link readLines}. */
export type LineItem =
  | { line: string }
  | { tooLong: number };

/**
 * Splits a UTF-8 byte stream into lines (without the trailing `\n` / `\r\n`).
 * A line longer than `maxLine` bytes is discarded up to its newline and
 * reported once as `{tooLong}` (its length in bytes), so an oversized message
 * never stops the reader nor grows memory without bound. Invalid UTF-8
 * becomes U+FFFD. Lines are split on bytes, so a multi-byte character split
 * across chunks is decoded whole.
 */
export async function* readLines(
  input: ReadableStream<Uint8Array>,
  maxLine: number = DEFAULT_MAX_LINE,
): AsyncGenerator<LineItem> {
  const decoder = new TextDecoder();
  let parts: Uint8Array[] = [];
  let size = 0;
  let discarding = false;
  const finish = (piece: Uint8Array): LineItem => {
    const total = size + piece.length;
    let item: LineItem;
    if (discarding || total > maxLine) item = { tooLong: total };
    else {
      let bytes = piece;
      if (parts.length > 0) {
        bytes = new Uint8Array(total);
        let off = 0;
        for (const p of parts) {
          bytes.set(p, off);
          off += p.length;
        }
        bytes.set(piece, off);
      }
      const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d
        ? bytes.length - 1
        : bytes.length;
      item = { line: decoder.decode(bytes.subarray(0, end)) };
    }
    parts = [];
    size = 0;
    discarding = false;
    return item;
  };
  for await (const chunk of input) {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) {
        const rest = chunk.subarray(start);
        size += rest.length;
        if (!discarding) {
          if (size > maxLine) {
            discarding = true;
            parts = [];
          } else if (rest.length > 0) parts.push(rest.slice());
        }
        break;
      }
      yield finish(chunk.subarray(start, nl));
      start = nl + 1;
    }
  }
  if (discarding || size > 0) yield finish(new Uint8Array(0));
}

/** Options of {@link StdioTransport}. */
export interface StdioTransportOptions {
  /** Cap of one incoming line (default {@link DEFAULT_MAX_LINE}). */
  maxLine?: number;
  /** Output bytes waiting past which stdin is not read (default {@link DEFAULT_MAX_QUEUED_OUTPUT}). */
  maxQueuedOutput?: number;
  /** Requests in progress past which stdin is not read (default {@link DEFAULT_MAX_PENDING_REQUESTS}). */
  maxPendingRequests?: number;
  /** Diagnostics sink (stderr). */
  log?: (line: string) => void;
  /**
   * Called once when writing to the output fails (e.g. the reader went
   * away); later messages are dropped without further diagnostics.
   */
  onOutputError?: (error: unknown) => void;
}

/**
 * NDJSON transport over a pair of byte streams (stdin/stdout in `porta serve`).
 */
export class StdioTransport implements Transport {
  readonly #input: ReadableStream<Uint8Array>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #options: StdioTransportOptions;
  readonly #encoder = new TextEncoder();
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  #broken = false;
  #queued = 0;
  #pauses = 0;

  /** Creates a transport reading `input` and writing `output`. */
  constructor(
    input: ReadableStream<Uint8Array>,
    output: WritableStream<Uint8Array>,
    options: StdioTransportOptions = {},
  ) {
    this.#input = input;
    this.#writer = output.getWriter();
    this.#options = options;
  }

  /**
   * Sends one message as one line. Writes are serialized: each starts after
   * the previous one finished, so lines never interleave.
   */
  send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed || this.#broken) return Promise.resolve();
    const bytes = this.#encoder.encode(serialize(message));
    this.#queued += bytes.length;
    const next = this.#chain.then(() =>
      this.#broken ? undefined : this.#writer.write(bytes)
    ).finally(() => this.#queued -= bytes.length);
    this.#chain = next.catch((e) => {
      if (this.#broken) return;
      this.#broken = true;
      this.#options.log?.(
        `[porta] stdout write failed: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
      this.#options.onOutputError?.(e);
    });
    return this.#chain;
  }

  /**
   * Connects the endpoint (`open()`'s, or the one given) and feeds it every
   * incoming line until the input ends (EOF). Oversized lines are answered
   * with a -32600 error and skipped.
   */
  async serve(open: EndpointFactory | Endpoint): Promise<void> {
    const server = typeof open === "function" ? open() : open;
    server.connect((m) => this.send(m));
    const maxQueued = this.#options.maxQueuedOutput ??
      DEFAULT_MAX_QUEUED_OUTPUT;
    const maxPending = this.#options.maxPendingRequests ??
      DEFAULT_MAX_PENDING_REQUESTS;
    const congested = () =>
      !this.#broken &&
      (this.#queued > maxQueued || server.inFlight >= maxPending);
    try {
      for await (const item of readLines(this.#input, this.#options.maxLine)) {
        // backpressure: no new request while the client does not read what
        // we already owe it (the next line is read only after this)
        if (congested()) {
          this.#pauses++;
          while (congested()) {
            await new Promise((r) => setTimeout(r, PAUSE_POLL_MS));
          }
        }
        if ("line" in item) server.receive(item.line);
        else {
          server.rejectRaw(
            `message too large: ${item.tooLong} bytes (limit ${
              this.#options.maxLine ?? DEFAULT_MAX_LINE
            })`,
          );
        }
      }
    } catch (e) {
      this.#options.log?.(
        `[porta] stdin read failed: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
    }
  }

  /** Bytes of serialized messages waiting to be written. */
  get queuedOutput(): number {
    return this.#queued;
  }

  /** How many times reading stdin was paused for backpressure. */
  get pauses(): number {
    return this.#pauses;
  }

  /**
   * Waits for pending writes (at most `timeoutMs` when given: a client that
   * stopped reading must not keep the server alive), then stops sending.
   * Resolves true when everything was written.
   */
  async close(timeoutMs?: number): Promise<boolean> {
    if (this.#closed) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flushed = await Promise.race([
      this.#chain.then(() => true),
      ...(timeoutMs === undefined ? [] : [
        new Promise<boolean>((r) =>
          timer = setTimeout(() => r(false), Math.max(0, timeoutMs))
        ),
      ]),
    ]);
    clearTimeout(timer);
    this.#closed = true;
    if (flushed) {
      try {
        this.#writer.releaseLock();
      } catch {
        // already released
      }
    }
    return flushed;
  }
}
