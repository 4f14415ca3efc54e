/**
 * The worker's side of a stdin channel: a synchronous WASI `ByteSource` that
 * asks the parent for input and waits (in 100 ms slices that poll the job's
 * cancel flag), plus `ready(ms)`, which `poll_oneoff` uses to learn whether a
 * read would block: it asks the parent for input ahead of time and waits at
 * most `ms` for it. Input that arrives is kept for the next read; a request
 * still unanswered stays posted, so the next read or poll takes up the same
 * request (the parent puts back input read for a job that ended meanwhile).
 *
 * Layout ({@link STDIN_CHANNEL_HEADER_BYTES} + {@link STDIN_CHANNEL_DATA_BYTES}
 * = `STDIN_CHANNEL_BYTES` in `worker_core.ts`, which documents the same
 * layout): Int32 `[state, length, stdoutPosted, reserved]`, then up to 64
 * KiB of data at byte offset 16.
 * - `state`: 0 idle; 1 the worker requests up to `length` bytes; 2 the
 *   parent answered with `length` bytes (0 = end of input), which the worker
 *   consumes, setting the state back to 0. Both sides notify index 0.
 * - `stdoutPosted`: written by the worker with each request: how many stdout
 *   `out` messages the job had posted when it asked. The parent answers only
 *   once it has received that many, so everything the guest wrote before it
 *   read (an ABI v2 request frame, say) has reached the consumer first: the
 *   `out` messages travel by `postMessage`, the request through `Atomics`,
 *   and the parent may see the request first.
 * @module
 */

/** Bytes of the channel header: Int32 `[state, length, stdoutPosted, reserved]`. */
export const STDIN_CHANNEL_HEADER_BYTES = 16;
/** Bytes of the channel's data area (the most one answer carries): 64 KiB. */
export const STDIN_CHANNEL_DATA_BYTES = 65536;
/** Int32 index of the state word. */
export const STDIN_STATE = 0;
/** Int32 index of the requested (then answered) length. */
export const STDIN_LENGTH = 1;
/** Int32 index of the count of stdout `out` messages posted before the request. */
export const STDIN_STDOUT_POSTED = 2;

/**
 * Creates the source; `cancelled()` ends a wait (it throws, as a cancelled
 * read); `stdoutPosted()` (default: 0) is the number of stdout `out`
 * messages the job has posted so far, written into each request.
 */
export function channelStdin(
  channel: SharedArrayBuffer,
  cancelled: () => boolean,
  stdoutPosted: () => number = () => 0,
): ((buf: Uint8Array) => number) & {
  ready(timeoutMs: number): number | null;
} {
  const ctl = new Int32Array(channel, 0, STDIN_CHANNEL_HEADER_BYTES / 4);
  const data = new Uint8Array(
    channel,
    STDIN_CHANNEL_HEADER_BYTES,
    STDIN_CHANNEL_DATA_BYTES,
  );
  let posted = false;
  let ahead: Uint8Array | null = null; // input received, not yet read
  let eof = false; // the parent answered 0 bytes: end of input (once)
  const post = (max: number) => {
    ctl[STDIN_LENGTH] = Math.min(max, data.length);
    Atomics.store(ctl, STDIN_STDOUT_POSTED, stdoutPosted());
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    posted = true;
  };
  /** Waits up to `ms` for the posted request; true once answered. */
  const collect = (ms: number): boolean => {
    const end = performance.now() + ms;
    while (Atomics.load(ctl, 0) === 1) {
      // WASI turns this into an errno; the next call then unwinds
      if (cancelled()) throw new Error("cancelled");
      const left = end - performance.now();
      if (left <= 0) return false;
      Atomics.wait(ctl, 0, 1, Math.min(100, left));
    }
    const n = Math.max(0, Math.min(ctl[STDIN_LENGTH], data.length));
    if (n === 0) eof = true;
    else ahead = data.slice(0, n);
    Atomics.store(ctl, 0, 0);
    posted = false;
    return true;
  };
  const read = (buf: Uint8Array): number => {
    if (buf.length === 0) return 0;
    if (ahead === null && !eof) {
      if (!posted) post(buf.length);
      // a request posted ahead by poll_oneoff: count what was written since
      // (exact unless the parent already began answering it)
      else Atomics.store(ctl, STDIN_STDOUT_POSTED, stdoutPosted());
      collect(Infinity);
    }
    if (ahead !== null) {
      const n = Math.min(buf.length, ahead.length);
      buf.set(ahead.subarray(0, n));
      ahead = n < ahead.length ? ahead.subarray(n) : null;
      return n;
    }
    eof = false; // the next read asks again, as a terminal would
    return 0;
  };
  const ready = (timeoutMs: number): number | null => {
    if (ahead !== null) return ahead.length;
    if (eof) return 0;
    if (!posted) post(data.length);
    if (!collect(Math.max(0, timeoutMs))) return null;
    return ahead === null ? 0 : (ahead as Uint8Array).length;
  };
  return Object.assign(read, { ready });
}
