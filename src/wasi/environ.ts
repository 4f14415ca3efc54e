/**
 * `environ_get` / `environ_sizes_get`.
 * @module
 */
import type { WasiContext } from "./context.ts";
import { writeStringList, writeStringListSizes } from "./args.ts";
import type { HostFunctions } from "./types.ts";

/** The `environ_*` functions. */
export function environFunctions(ctx: WasiContext): HostFunctions {
  return {
    environ_get: (ptrs: number, buf: number) =>
      writeStringList(ctx, ctx.env, ptrs, buf),
    environ_sizes_get: (countPtr: number, sizePtr: number) =>
      writeStringListSizes(ctx, ctx.env, countPtr, sizePtr),
  };
}
