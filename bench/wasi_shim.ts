/**
 * A minimal WASI preview1 shim, only as large as the benchmark programs need
 * (args, fd_write to stdout/stderr, proc_exit, clocks, stubs for close/seek/fdstat).
 *
 * It has the same shape as `src/wasi/mod.ts` (`imports`, `start(instance)`), reads
 * `instance.exports.memory` afresh on every call, and works with any engine that has the
 * standard WebAssembly JS API shape (ours or the host's).
 *
 * @module
 */

/** Thrown by `proc_exit` to unwind the guest; carries the exit code. */
export class ShimExit extends Error {
  /** The exit code passed to `proc_exit`. */
  code: number;
  /** Creates the exit signal for `code`. */
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** Options of the shim: argv and where stdout/stderr bytes go. */
export interface ShimOptions {
  /** argv; args[0] is the program name. */
  args: string[];
  /** Receives every stdout write. */
  stdout: (bytes: Uint8Array) => void;
  /** Receives every stderr write. */
  stderr: (bytes: Uint8Array) => void;
}

const ESUCCESS = 0;
const EBADF = 8;
const ESPIPE = 70;
const ENOSYS = 52;

/** Minimal WASI preview1 host for the benchmarks. */
export class WasiShim {
  /** The import object to pass when instantiating the guest. */
  readonly imports: {
    wasi_snapshot_preview1: Record<string, (...a: any[]) => any>;
  };
  #instance: { exports: Record<string, unknown> } | null = null;

  /** Creates a shim for one run of one program. */
  constructor(options: ShimOptions) {
    const argBytes = options.args.map((a) =>
      new TextEncoder().encode(a + "\0")
    );
    const mem = (): DataView => {
      const m = this.#instance!.exports.memory as WebAssembly.Memory;
      return new DataView(m.buffer);
    };
    const bytes = (): Uint8Array => {
      const m = this.#instance!.exports.memory as WebAssembly.Memory;
      return new Uint8Array(m.buffer);
    };
    const start = performance.now();
    this.imports = {
      wasi_snapshot_preview1: {
        args_sizes_get: (countPtr: number, sizePtr: number): number => {
          const v = mem();
          v.setUint32(countPtr, argBytes.length, true);
          v.setUint32(
            sizePtr,
            argBytes.reduce((n, b) => n + b.length, 0),
            true,
          );
          return ESUCCESS;
        },
        args_get: (argvPtr: number, bufPtr: number): number => {
          const v = mem();
          const b = bytes();
          let p = bufPtr;
          argBytes.forEach((a, i) => {
            v.setUint32(argvPtr + 4 * i, p, true);
            b.set(a, p);
            p += a.length;
          });
          return ESUCCESS;
        },
        environ_sizes_get: (countPtr: number, sizePtr: number): number => {
          const v = mem();
          v.setUint32(countPtr, 0, true);
          v.setUint32(sizePtr, 0, true);
          return ESUCCESS;
        },
        environ_get: (): number => ESUCCESS,
        fd_write: (
          fd: number,
          iovs: number,
          iovsLen: number,
          nwritten: number,
        ): number => {
          if (fd !== 1 && fd !== 2) return EBADF;
          const v = mem();
          const b = bytes();
          let total = 0;
          for (let i = 0; i < iovsLen; i++) {
            const ptr = v.getUint32(iovs + 8 * i, true);
            const len = v.getUint32(iovs + 8 * i + 4, true);
            const chunk = b.slice(ptr, ptr + len);
            (fd === 1 ? options.stdout : options.stderr)(chunk);
            total += len;
          }
          v.setUint32(nwritten, total, true);
          return ESUCCESS;
        },
        fd_close: (): number => ESUCCESS,
        fd_seek: (): number => ESPIPE,
        fd_fdstat_get: (fd: number, statPtr: number): number => {
          if (fd > 2) return EBADF;
          const v = mem();
          // filetype character_device (2), no flags, all rights
          v.setUint8(statPtr, 2);
          v.setUint16(statPtr + 2, 0, true);
          v.setBigUint64(statPtr + 8, 0xffffffffn, true);
          v.setBigUint64(statPtr + 16, 0xffffffffn, true);
          return ESUCCESS;
        },
        clock_time_get: (
          _id: number,
          _precision: bigint,
          out: number,
        ): number => {
          const ns = BigInt(Math.round((performance.now() - start) * 1e6));
          mem().setBigUint64(out, ns, true);
          return ESUCCESS;
        },
        proc_exit: (code: number): never => {
          throw new ShimExit(code);
        },
        fd_prestat_get: (): number => EBADF,
        fd_prestat_dir_name: (): number => EBADF,
        fd_read: (): number => ENOSYS,
      },
    };
  }

  /** Calls `_start`, returns the exit code (0 when `_start` returns normally). */
  start(instance: { exports: Record<string, unknown> }): number {
    this.#instance = instance;
    try {
      (instance.exports._start as () => void)();
      return 0;
    } catch (e) {
      if (e instanceof ShimExit) return e.code;
      throw e;
    }
  }
}
