/**
 * `clock_res_get` / `clock_time_get`.
 * @module
 */
import type { WasiContext } from "./context.ts";
import { Clockid } from "./constants.ts";
import { Errno, WasiError } from "./errno.ts";
import type { HostFunctions } from "./types.ts";

const startNs = BigInt(Math.round(performance.now() * 1e6));

/** Current time of `id` in nanoseconds; throws INVAL for unknown clocks. */
export function now(id: number): bigint {
  switch (id) {
    case Clockid.REALTIME:
      return BigInt(
        Math.round((performance.timeOrigin + performance.now()) * 1e3),
      ) * 1000n;
    case Clockid.MONOTONIC:
      return BigInt(Math.round(performance.now() * 1e6));
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID:
      // No CPU clock is exposed by Deno: time since the host started.
      return BigInt(Math.round(performance.now() * 1e6)) - startNs;
    default:
      throw new WasiError(Errno.INVAL);
  }
}

/** Resolution of `id` in nanoseconds. */
export function resolution(id: number): bigint {
  switch (id) {
    case Clockid.REALTIME:
    case Clockid.MONOTONIC:
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID:
      return 1000n;
    default:
      throw new WasiError(Errno.INVAL);
  }
}

/** The `clock_*` functions. */
export function clockFunctions(ctx: WasiContext): HostFunctions {
  return {
    clock_res_get: (id: number, resPtr: number) => {
      const r = resolution(id);
      ctx.view().setBigUint64(resPtr, r, true);
      return Errno.SUCCESS;
    },
    clock_time_get: (id: number, _precision: bigint, timePtr: number) => {
      const t = now(id);
      ctx.view().setBigUint64(timePtr, t, true);
      return Errno.SUCCESS;
    },
  };
}
