/**
 * `poll_oneoff`: clock subscriptions sleep synchronously (Atomics.wait);
 * fd_read/fd_write subscriptions on stdio and files are always ready.
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

interface Ready {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
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
      if (n === 0) return Errno.INVAL;
      const view = ctx.view();
      ctx.bytes(inPtr, n * SUBSCRIPTION_SIZE);
      ctx.bytes(outPtr, n * EVENT_SIZE);
      const ready: Ready[] = [];
      const clocks: { userdata: bigint; deadline: bigint; error: number }[] =
        [];
      for (let i = 0; i < n; i++) {
        const s = inPtr + i * SUBSCRIPTION_SIZE;
        const userdata = view.getBigUint64(s, true);
        const tag = view.getUint8(s + 8);
        if (tag === Eventtype.CLOCK) {
          const id = view.getUint32(s + 16, true);
          const timeout = view.getBigUint64(s + 24, true);
          const flags = view.getUint16(s + 40, true);
          let t: bigint;
          try {
            t = now(id);
          } catch {
            ready.push({ userdata, error: Errno.INVAL, type: tag, nbytes: 0n });
            continue;
          }
          const deadline = flags & 1 ? timeout - t : timeout;
          clocks.push({ userdata, deadline, error: Errno.SUCCESS });
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
          else if (e.kind === "file" && tag === Eventtype.FD_READ) {
            const size = BigInt(e.file!.statSync().size);
            const pos = BigInt(e.file!.seekSync(0, Deno.SeekMode.Current));
            nbytes = size > pos ? size - pos : 0n;
          }
          ready.push({ userdata, error, type: tag, nbytes });
        } else {
          ready.push({ userdata, error: Errno.INVAL, type: tag, nbytes: 0n });
        }
      }
      if (ready.length === 0 && clocks.length > 0) {
        const wait = clocks.reduce(
          (m, c) => c.deadline < m ? c.deadline : m,
          clocks[0].deadline,
        );
        if (wait > 0n) sleepSync(wait, ctx.cancel);
        for (const c of clocks) {
          if (c.deadline <= wait) {
            ready.push({
              userdata: c.userdata,
              error: c.error,
              type: Eventtype.CLOCK,
              nbytes: 0n,
            });
          }
        }
      } else {
        for (const c of clocks) {
          if (c.deadline <= 0n) {
            ready.push({
              userdata: c.userdata,
              error: c.error,
              type: Eventtype.CLOCK,
              nbytes: 0n,
            });
          }
        }
      }
      const out = ctx.view();
      ready.forEach((r, i) => {
        const o = outPtr + i * EVENT_SIZE;
        out.setBigUint64(o, r.userdata, true);
        out.setUint16(o + 8, r.error, true);
        out.setUint8(o + 10, r.type);
        for (let k = 11; k < 16; k++) out.setUint8(o + k, 0);
        out.setBigUint64(o + 16, r.nbytes, true);
        out.setBigUint64(o + 24, 0n, true);
      });
      out.setUint32(neventsPtr, ready.length, true);
      return Errno.SUCCESS;
    },
  };
}
