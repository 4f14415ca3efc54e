/**
 * TEST-ONLY guest worker for `symlink_test.ts`: the production job loop
 * (`worker_core.ts`) and WASI layer, plus a forger that plays a worker whose
 * WASI checks were bypassed: it sends symlink requests straight to the
 * parent's broker (the `symlink` hook the job loop hands the WASI layer),
 * with or without holding the filesystem lock. GuestWall loads it only when
 * a test passes its URL.
 *
 * A job whose `args[0]` is `"__forge__"` runs each `lock|nolock:TARGET=>PATH`
 * of `args[1..]` and writes `TARGET=>PATH -> ok` or `-> errno N` lines to
 * stdout.
 */
import { Wasi, WasiError, WasiExit } from "../../src/wasi/mod.ts";
import { FsLock } from "../../src/wasi/fs/lock.ts";
import {
  type EngineLike,
  serveGuestJobs,
  type WasiConstructorOptions,
} from "../../src/sandbox/worker_core.ts";

function forge(options: WasiConstructorOptions, spec: string): string {
  const i = spec.indexOf(":");
  const mode = spec.slice(0, i), req = spec.slice(i + 1);
  const [target, hostPath] = req.split("=>");
  const call = () => options.symlink!(target, hostPath);
  try {
    if (mode === "lock") {
      new FsLock(options.fsLock!, options.fsLockOwner!).hold(call);
    } else call();
    return `${req} -> ok`;
  } catch (e) {
    return `${req} -> ${
      e instanceof WasiError ? `errno ${e.errno}` : String(e)
    }`;
  }
}

function createWasi(options: WasiConstructorOptions): Wasi {
  if (options.args[0] === "__forge__") {
    const lines = options.args.slice(1).map((s) => forge(options, s));
    options.stdout(new TextEncoder().encode(lines.join("\n") + "\n"));
  }
  return new Wasi(options);
}

serveGuestJobs(
  {
    engine: WebAssembly as unknown as EngineLike,
    createWasi,
    exitCode: (e) => e instanceof WasiExit ? e.code : undefined,
  },
  self as unknown as Parameters<typeof serveGuestJobs>[1],
);
