/**
 * Standard stream adapters for WASI: synchronous byte sources and sinks built
 * from buffers or from the Deno process streams.
 * @module
 */

/** Synchronous byte source: fills `buf`, returns the number of bytes read (0 = EOF). */
export type ByteSource = (buf: Uint8Array) => number;

/** Synchronous byte sink: receives a chunk the callee may keep (it is a copy). */
export type ByteSink = (bytes: Uint8Array) => void;

/** A stdin that is always at end of file. */
export function emptySource(_buf: Uint8Array): number {
  return 0;
}

/** A sink that discards everything. */
export function discardSink(_bytes: Uint8Array): void {}

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
