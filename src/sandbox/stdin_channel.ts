/**
 * The worker's side of a stdin channel (`STDIN_CHANNEL_BYTES` in
 * `worker_core.ts`: Int32 `[state, length]`, then up to 64 KiB of data):
 * a synchronous WASI `ByteSource` that asks the parent for input and waits
 * (in 100 ms slices that poll the job's cancel flag), plus `ready(ms)`, which
 * `poll_oneoff` uses to learn whether a read would block: it asks the parent
 * for input ahead of time and waits at most `ms` for it. Input that arrives
 * is kept for the next read; a request still unanswered stays posted, so the
 * next read or poll takes up the same request (the parent puts back input
 * read for a job that ended meanwhile).
 * @module
 */

/** Creates the source; `cancelled()` ends a wait (it throws, as a cancelled read). */
export function channelStdin(
  channel: SharedArrayBuffer,
  cancelled: () => boolean,
): ((buf: Uint8Array) => number) & {
  ready(timeoutMs: number): number | null;
} {
  const ctl = new Int32Array(channel, 0, 2);
  const data = new Uint8Array(channel, 8);
  let posted = false;
  let ahead: Uint8Array | null = null; // input received, not yet read
  let eof = false; // the parent answered 0 bytes: end of input (once)
  const post = (max: number) => {
    ctl[1] = Math.min(max, data.length);
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
    const n = Math.max(0, Math.min(ctl[1], data.length));
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
