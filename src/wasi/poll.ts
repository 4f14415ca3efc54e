/**
 * `poll_oneoff`: clock subscriptions sleep synchronously (Atomics.wait).
 * Readiness: files are always ready (as in POSIX; `fd_read` reports the bytes
 * left before the end of the file); stdout and stderr are always ready to
 * write (a write that must wait for the reader blocks in `fd_write`); stdin
 * is ready when its source says so (`ByteSource.ready`, e.g. the input
 * channel of `porta run`, whose parent reads the process's stdin): a poll
 * with nothing else ready waits for input up to the earliest clock, and
 * without a clock until input arrives or the call is cancelled. A source
 * without `ready` (bytes given up front) is always ready.
 * @module
 */
import type { WasiContext } from "./context.ts";
import { Eventtype, Rights } from "./constants.ts";
import { Errno } from "./errno.ts";
import { now } from "./clock.ts";
import { WasiCancelled } from "./proc.ts";
import type { HostFunctions } from "./types.ts";

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the calling thread for `ns` nanoseconds. With a `cancel` flag
 * (shared Int32Array, index 0), another thread ends the sleep at once by
 * storing a non-zero value and calling `Atomics.notify(cancel, 0)`; the
 * sleep then throws `WasiCancelled`.
 */
export function sleepSync(ns: bigint, cancel?: Int32Array): void {
  let remaining = Number(ns) / 1e6;
  const end = performance.now() + remaining;
  const cell = cancel ?? sleeper;
  while (remaining > 0) {
    if (cancel && Atomics.load(cancel, 0) !== 0) throw new WasiCancelled();
    Atomics.wait(cell, 0, 0, remaining);
    remaining = end - performance.now();
  }
  if (cancel && Atomics.load(cancel, 0) !== 0) throw new WasiCancelled();
}

/** The `poll_oneoff` function. */
export function pollFunctions(ctx: WasiContext): HostFunctions {
  return {
    poll_oneoff: (
      inPtr: number,
      outPtr: number,
      n: number,
      neventsPtr: number,
    ) => {
      n >>>= 0;
      if (n === 0) return Errno.INVAL;
      ctx.bytes(inPtr, n * SUBSCRIPTION_SIZE);
      ctx.bytes(outPtr, n * EVENT_SIZE);
      const view = ctx.view();
      // Events are written straight to guest memory (no per-subscription
      // host objects: n is bounded only by the guest's memory), fd and
      // invalid ones in subscription order, then the clocks that fired.
      let nevents = 0;
      const emit = (
        userdata: bigint,
        error: number,
        type: number,
        nbytes: bigint,
      ): void => {
        if (nevents >= n) return;
        const o = outPtr + nevents * EVENT_SIZE;
        view.setBigUint64(o, userdata, true);
        view.setUint16(o + 8, error, true);
        view.setUint8(o + 10, type);
        for (let k = 11; k < 16; k++) view.setUint8(o + k, 0);
        view.setBigUint64(o + 16, nbytes, true);
        view.setBigUint64(o + 24, 0n, true);
        nevents++;
      };
      // the time of each clock id, read once (deadlines are recomputed
      // from the same values in the second pass)
      const times = new Map<number, bigint | null>();
      const clockDeadline = (s: number): bigint | null => {
        const id = view.getUint32(s + 16, true);
        let t = times.get(id);
        if (t === undefined) {
          try {
            t = now(id);
          } catch {
            t = null;
          }
          times.set(id, t);
        }
        if (t === null) return null;
        const timeout = view.getBigUint64(s + 24, true);
        const flags = view.getUint16(s + 40, true);
        return flags & 1 ? timeout - t : timeout;
      };
      const readable = new Map<number, bigint>();
      let clocks = 0;
      let wait = 0n;
      // stdin: asked once per call (null: a read would block)
      const stdinReady = ctx.stdin.ready;
      let stdinNow: number | null | undefined;
      let stdinPending = false;
      for (let i = 0; i < n; i++) {
        if ((i & 4095) === 4095) ctx.checkCancel();
        const s = inPtr + i * SUBSCRIPTION_SIZE;
        const userdata = view.getBigUint64(s, true);
        const tag = view.getUint8(s + 8);
        if (tag === Eventtype.CLOCK) {
          const deadline = clockDeadline(s);
          if (deadline === null) {
            emit(userdata, Errno.INVAL, tag, 0n);
            continue;
          }
          if (clocks === 0 || deadline < wait) wait = deadline;
          clocks++;
        } else if (tag === Eventtype.FD_READ || tag === Eventtype.FD_WRITE) {
          const fd = view.getUint32(s + 16, true);
          const e = ctx.fds.get(fd);
          let error: number = Errno.SUCCESS;
          let nbytes = 0n;
          if (!e) error = Errno.BADF;
          else if (
            (e.rightsBase & Rights.POLL_FD_READWRITE) === 0n &&
            e.kind !== "file"
          ) error = Errno.NOTCAPABLE;
          else if (e.kind === "dir") error = Errno.ISDIR;
          else if (
            e.kind === "stdin" && tag === Eventtype.FD_READ && stdinReady
          ) {
            if (stdinNow === undefined) stdinNow = stdinReady(0);
            if (stdinNow === null) {
              stdinPending = true;
              continue;
            }
            nbytes = BigInt(stdinNow);
          } else if (e.kind === "file" && tag === Eventtype.FD_READ) {
            // once per descriptor and call: 1M subscriptions on one file
            // cost two syscalls, not two million
            let left = readable.get(fd);
            if (left === undefined) {
              const size = BigInt(e.file!.statSync().size);
              const pos = BigInt(e.file!.seekSync(0, Deno.SeekMode.Current));
              left = size > pos ? size - pos : 0n;
              readable.set(fd, left);
            }
            nbytes = left;
          }
          emit(userdata, error, tag, nbytes);
        } else {
          emit(userdata, Errno.INVAL, tag, 0n);
        }
      }
      let slept = 0n;
      if (nevents === 0 && stdinPending) {
        // Nothing ready: wait for input until the earliest clock (or, with
        // no clock, until input arrives or the call is cancelled).
        const t0 = performance.now();
        const got = stdinReady!(clocks > 0 ? Number(wait) / 1e6 : Infinity);
        slept = BigInt(Math.round((performance.now() - t0) * 1e6));
        if (got !== null) {
          for (let i = 0; i < n && nevents < n; i++) {
            if ((i & 4095) === 4095) ctx.checkCancel();
            const s = inPtr + i * SUBSCRIPTION_SIZE;
            if (view.getUint8(s + 8) !== Eventtype.FD_READ) continue;
            const e = ctx.fds.get(view.getUint32(s + 16, true));
            if (e?.kind !== "stdin") continue;
            if ((e.rightsBase & Rights.POLL_FD_READWRITE) === 0n) continue;
            emit(
              view.getBigUint64(s, true),
              Errno.SUCCESS,
              Eventtype.FD_READ,
              BigInt(got),
            );
          }
        }
      }
      if (clocks > 0) {
        // Nothing else ready: sleep until the earliest clock. Otherwise
        // only the clocks already due fire.
        const limit = nevents === 0 ? wait : 0n;
        if (nevents === 0 && wait > slept) {
          sleepSync(wait - slept, ctx.cancel);
        }
        for (let i = 0; i < n && nevents < n; i++) {
          if ((i & 4095) === 4095) ctx.checkCancel();
          const s = inPtr + i * SUBSCRIPTION_SIZE;
          if (view.getUint8(s + 8) !== Eventtype.CLOCK) continue;
          const deadline = clockDeadline(s);
          if (deadline !== null && deadline <= limit) {
            emit(
              view.getBigUint64(s, true),
              Errno.SUCCESS,
              Eventtype.CLOCK,
              0n,
            );
          }
        }
      }
      view.setUint32(neventsPtr, nevents, true);
      return Errno.SUCCESS;
    },
  };
}
