/**
 * `random_get`.
 * @module
 */
import type { WasiContext } from "./context.ts";
import { Errno } from "./errno.ts";
import type { HostFunctions } from "./types.ts";

/** The `random_get` function (crypto-quality bytes). */
export function randomFunctions(ctx: WasiContext): HostFunctions {
  return {
    random_get: (ptr: number, len: number) => {
      const target = ctx.bytes(ptr, len);
      len >>>= 0;
      // getRandomValues refuses views over SharedArrayBuffer and > 64 KiB.
      const chunk = new Uint8Array(Math.min(len, 65536));
      for (let off = 0; off < len; off += chunk.length) {
        // up to 4 GiB: a cancelled call stops within 1 MiB of work
        if ((off & 0xfffff) === 0 && off > 0) ctx.checkCancel();
        const n = Math.min(chunk.length, len - off);
        const part = chunk.subarray(0, n);
        crypto.getRandomValues(part);
        target.set(part, off);
      }
      return Errno.SUCCESS;
    },
  };
}
