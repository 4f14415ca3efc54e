/**
 * `proc_exit`, `proc_raise`, `sched_yield`.
 * @module
 */
import type { WasiContext } from "./context.ts";
import { Errno } from "./errno.ts";
import type { HostFunctions } from "./types.ts";

/** Thrown by `proc_exit` to unwind the guest; carries the exit code. */
export class WasiExit extends Error {
  /** The exit code passed to `proc_exit`. */
  readonly code: number;
  /** Creates the exit signal for `code`. */
  constructor(code: number) {
    super(`wasi exit ${code}`);
    this.name = "WasiExit";
    this.code = code;
  }
}

/**
 * Thrown by any WASI call (and by a sleep in progress) once the `cancel` flag
 * given to `Wasi` is set: the guest unwinds like a trap, `start()` rethrows it.
 */
export class WasiCancelled extends Error {
  /** Creates the cancellation signal. */
  constructor() {
    super("cancelled");
    this.name = "WasiCancelled";
  }
}

/** The `proc_*` and `sched_yield` functions. */
export function procFunctions(_ctx: WasiContext): HostFunctions {
  return {
    proc_exit: (code: number): never => {
      throw new WasiExit(code >>> 0);
    },
    // Signals are not supported.
    proc_raise: (_sig: number) => Errno.NOTSUP,
    sched_yield: () => Errno.SUCCESS,
  };
}
