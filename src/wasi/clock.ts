/**
 * `clock_res_get` / `clock_time_get`.
 *
 * `PROCESS_CPUTIME_ID` and `THREAD_CPUTIME_ID` both report the CPU time of
 * the calling thread (`process.threadCpuUsage()` of `node:process`, user +
 * system) since the `Wasi` object was created: in Porta a guest's "process"
 * is its worker thread, and a process-wide clock would reveal what other
 * guests and the server do. The host kernel may account thread CPU time in
 * scheduler ticks (10 ms on our Linux machines), so short intervals read
 * as 0 or 10 ms. Where the host has no per-thread CPU clock, both report
 * monotonic time since the `Wasi` object was created instead.
 * @module
 */
import process from "node:process";
import type { WasiContext } from "./context.ts";
import { Clockid } from "./constants.ts";
import { Errno, WasiError } from "./errno.ts";
import type { HostFunctions } from "./types.ts";

const startNs = BigInt(Math.round(performance.now() * 1e6));

/** The calling thread's CPU time (µs, user + system), when the host can tell. */
const threadCpuUsage: (() => { user: number; system: number }) | undefined =
  (() => {
    const f = (process as { threadCpuUsage?: () => unknown }).threadCpuUsage;
    if (typeof f !== "function") return undefined;
    try {
      const u = f.call(process) as { user?: unknown; system?: unknown };
      if (typeof u?.user !== "number" || typeof u?.system !== "number") {
        return undefined;
      }
    } catch {
      return undefined;
    }
    return () => f.call(process) as { user: number; system: number };
  })();

/** True when the CPU-time clocks measure this thread's CPU time (else monotonic time). */
export const HAS_THREAD_CPU_CLOCK: boolean = threadCpuUsage !== undefined;

/**
 * The reading the CPU-time clocks count from: this thread's CPU time in
 * nanoseconds, or monotonic time where there is no thread CPU clock.
 */
export function cpuClockBase(): bigint {
  if (threadCpuUsage) {
    const u = threadCpuUsage();
    return BigInt(Math.round(u.user + u.system)) * 1000n;
  }
  return BigInt(Math.round(performance.now() * 1e6));
}

/**
 * Current time of `id` in nanoseconds; throws INVAL for unknown clocks.
 * The CPU-time clocks count from `cpuBase` (a {@link cpuClockBase} reading;
 * default: when this module was loaded).
 */
export function now(id: number, cpuBase?: bigint): bigint {
  switch (id) {
    case Clockid.REALTIME:
      return BigInt(
        Math.round((performance.timeOrigin + performance.now()) * 1e3),
      ) * 1000n;
    case Clockid.MONOTONIC:
      return BigInt(Math.round(performance.now() * 1e6));
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID: {
      const t = cpuClockBase() - (cpuBase ?? cpuStart);
      return t > 0n ? t : 0n;
    }
    default:
      throw new WasiError(Errno.INVAL);
  }
}

const cpuStart = HAS_THREAD_CPU_CLOCK ? cpuClockBase() : startNs;

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
  // each guest instance's CPU clocks start at 0 (not at the worker's total)
  const cpuBase = cpuClockBase();
  return {
    clock_res_get: (id: number, resPtr: number) => {
      const r = resolution(id);
      ctx.view().setBigUint64(resPtr, r, true);
      return Errno.SUCCESS;
    },
    clock_time_get: (id: number, _precision: bigint, timePtr: number) => {
      const t = now(id, cpuBase);
      ctx.view().setBigUint64(timePtr, t, true);
      return Errno.SUCCESS;
    },
  };
}
