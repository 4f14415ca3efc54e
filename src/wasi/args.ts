/**
 * `args_get` / `args_sizes_get`.
 * @module
 */
import type { WasiContext } from "./context.ts";
import { Errno } from "./errno.ts";
import type { HostFunctions } from "./types.ts";

/** Writes a list of strings as NUL-terminated entries plus a pointer array. */
export function writeStringList(
  ctx: WasiContext,
  list: string[],
  ptrsPtr: number,
  bufPtr: number,
): number {
  const encoded = list.map((s, i) => {
    if ((i & 255) === 255) ctx.checkCancel();
    return ctx.encode(s);
  });
  const total = encoded.reduce((n, e) => n + e.length + 1, 0);
  ctx.bytes(ptrsPtr, list.length * 4);
  const mem = ctx.bytes(bufPtr, total);
  const view = ctx.view();
  let off = 0;
  encoded.forEach((e, i) => {
    if ((i & 255) === 255) ctx.checkCancel();
    view.setUint32(ptrsPtr + i * 4, bufPtr + off, true);
    mem.set(e, off);
    mem[off + e.length] = 0;
    off += e.length + 1;
  });
  return Errno.SUCCESS;
}

/** Writes the entry count and total byte size (with NULs) of a string list. */
export function writeStringListSizes(
  ctx: WasiContext,
  list: string[],
  countPtr: number,
  sizePtr: number,
): number {
  let size = 0;
  for (let i = 0; i < list.length; i++) {
    if ((i & 255) === 255) ctx.checkCancel();
    size += ctx.encode(list[i]).length + 1;
  }
  const view = ctx.view();
  view.setUint32(countPtr, list.length, true);
  view.setUint32(sizePtr, size, true);
  return Errno.SUCCESS;
}

/** The `args_*` functions. */
export function argsFunctions(ctx: WasiContext): HostFunctions {
  return {
    args_get: (argv: number, buf: number) =>
      writeStringList(ctx, ctx.args, argv, buf),
    args_sizes_get: (countPtr: number, sizePtr: number) =>
      writeStringListSizes(ctx, ctx.args, countPtr, sizePtr),
  };
}
