/**
 * Standard stream adapters for WASI: synchronous byte sources and sinks built
 * from buffers or from the Deno process streams.
 * @module
 */

/**
 * Synchronous byte source: fills `buf`, returns the number of bytes read
 * (0 = EOF). A source that can block (input from another thread) may also
 * offer `ready(timeoutMs)`: wait at most that long for input and return how
 * many bytes a read would get at once (0 at end of input), or `null` when a
 * read would still block; `poll_oneoff` uses it. Without it the source is
 * always ready.
 */
export type ByteSource = ((buf: Uint8Array) => number) & {
  ready?(timeoutMs: number): number | null;
};

/**
 * Synchronous byte sink: receives a chunk the callee may keep (it is a copy).
 *
 * A sink with a budget (e.g. a per-call output cap) also exposes `room()`
 * and `overflow()`, so `fd_write` never copies out of guest memory more than
 * the sink will keep: one write is copied in chunks of at most
 * {@link SINK_CHUNK} bytes, only up to `room()` bytes in total, and the rest
 * of it is reported to `overflow(n)` and discarded uncopied (the guest is
 * told everything was written, as with a reader that drops data). See
 * {@link limitSink}.
 */
export interface ByteSink {
  /** Receives one chunk (a copy, at most `room()` bytes when `room` exists). */
  (bytes: Uint8Array): void;
  /** Bytes the sink still accepts (absent: unbounded). Read once per `fd_write`. */
  room?(): number;
  /** Told about `byteCount` bytes the guest wrote past `room()`, which were never copied. */
  overflow?(byteCount: number): void;
}

/** Largest chunk `fd_write` passes to a sink in one call (64 KiB). */
export const SINK_CHUNK = 65536;

/** A stdin that is always at end of file. */
export function emptySource(_buf: Uint8Array): number {
  return 0;
}

/** A sink that discards everything (its `room()` is 0: `fd_write` copies nothing). */
export const discardSink: ByteSink = Object.assign(
  (_bytes: Uint8Array): void => {},
  { room: (): number => 0 },
);

/** Builds a source that yields `data` once, then EOF. */
export function bufferSource(data: Uint8Array | string): ByteSource {
  const bytes = typeof data === "string"
    ? new TextEncoder().encode(data)
    : data;
  let pos = 0;
  return (buf) => {
    const n = Math.min(buf.length, bytes.length - pos);
    buf.set(bytes.subarray(pos, pos + n));
    pos += n;
    return n;
  };
}

/** A sink that accumulates everything written, with accessors for the result. */
export interface CollectingSink {
  /** The sink to pass as stdout/stderr. */
  sink: ByteSink;
  /** All bytes written so far. */
  bytes(): Uint8Array;
  /** All bytes written so far decoded as UTF-8. */
  text(): string;
}

/** Creates a sink that keeps every byte written to it. */
export function collectingSink(): CollectingSink {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const bytes = (): Uint8Array => {
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  };
  return {
    sink: (b) => {
      chunks.push(b);
      total += b.length;
    },
    bytes,
    text: () => new TextDecoder().decode(bytes()),
  };
}

/** A source reading the host's stdin synchronously (`Deno.stdin.readSync`). */
export function denoStdin(): ByteSource {
  return (buf) => {
    if (buf.length === 0) return 0;
    const n = Deno.stdin.readSync(buf);
    return n ?? 0;
  };
}

function writerSink(w: { writeSync(p: Uint8Array): number }): ByteSink {
  return (bytes) => {
    let off = 0;
    while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
  };
}

/** A sink writing synchronously to the host's stdout. */
export function denoStdout(): ByteSink {
  return writerSink(Deno.stdout);
}

/** A sink writing synchronously to the host's stderr. */
export function denoStderr(): ByteSink {
  return writerSink(Deno.stderr);
}

/** A sink with a byte budget, from {@link limitSink}. */
export interface LimitedSink {
  /** The bounded sink to pass as stdout/stderr. */
  sink: ByteSink;
  /** Bytes passed on to the inner sink so far (never more than the cap). */
  passed(): number;
  /** Bytes written past the cap, counted but never copied nor passed on. */
  dropped(): number;
}

/**
 * Bounds `inner` to `cap` bytes in total: the returned sink's `room()` is
 * what is left of the cap, so `fd_write` copies at most that much from guest
 * memory; bytes past it are only counted (`dropped()`, and `onOverflow(n)`
 * for each write that went past it). A direct call with more than `room()`
 * bytes is cut at the cap the same way.
 */
export function limitSink(
  inner: (bytes: Uint8Array) => void,
  cap: number,
  onOverflow?: (byteCount: number) => void,
): LimitedSink {
  const limit = cap >= 0 ? Math.floor(cap) : 0;
  let passed = 0;
  let dropped = 0;
  const overflow = (n: number): void => {
    if (n <= 0) return;
    dropped += n;
    onOverflow?.(n);
  };
  const sink: ByteSink = (bytes) => {
    const take = Math.min(bytes.length, limit - passed);
    if (take > 0) {
      passed += take;
      inner(take === bytes.length ? bytes : bytes.subarray(0, take));
    }
    overflow(bytes.length - take);
  };
  sink.room = () => limit - passed;
  sink.overflow = overflow;
  return { sink, passed: () => passed, dropped: () => dropped };
}
