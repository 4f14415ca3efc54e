/**
 * WASI preview1 (`wasi_snapshot_preview1`) for any object with the
 * WebAssembly JS API shape. All host calls are synchronous; failures are
 * errno values. Only three exceptions cross into the guest: `WasiExit`
 * (thrown by `proc_exit`), `WasiCancelled` (when `WasiOptions.cancel` is set)
 * and `WasiMissingMemory` (a call needs memory but the instance exports no
 * "memory").
 *
 * ```ts
 * import * as wasm from "../wasm/mod.ts"; // Porta's engine (any engine of this shape works)
 *
 * const module = new wasm.Module(await Deno.readFile("prog.wasm"));
 * const wasi = new Wasi({ args: ["prog"], stdout: denoStdout() });
 * const inst = new wasm.Instance(module, wasi.imports);
 * const code = wasi.start(inst);
 * ```
 *
 * Known limits (by design, documented for embedders):
 * - `poll_oneoff`: files are always ready (as in POSIX), stdout/stderr
 *   always ready to write; stdin is ready when its `ByteSource.ready` says
 *   so (a source without it, e.g. bytes given up front, is always ready),
 *   and a poll with nothing ready waits for it up to its earliest clock.
 * - Path resolution walks the tree with lstat/readlink, then hands the
 *   checked host path to Deno (which has no `openat`/`O_NOFOLLOW`). Every
 *   operation that resolves a path and acts on it runs under the filesystem
 *   lock (`WasiOptions.fsLock`), so no guest sharing the lock can swap a
 *   checked directory for a symlink in between. Another HOST process that
 *   changes a preopened tree at the same moment still could: do not preopen
 *   directories that other programs modify while a guest runs.
 * - Bounds: a path over 4,096 bytes or with a component over 255 bytes is
 *   `ENAMETOOLONG` before it is split; more than 1,024 iovecs is `EINVAL`;
 *   one read or write moves at most 16 MiB per host syscall and polls
 *   cancellation between them; `fd_write` to a sink with `room()` copies at
 *   most that many bytes; FIFOs, sockets and devices found in a preopen are
 *   never opened (`ENOTSUP`: a host `open()` could block forever).
 * - `PROCESS_CPUTIME_ID` / `THREAD_CPUTIME_ID` both report the calling
 *   thread's CPU time since the `Wasi` was created (`node:process`
 *   `threadCpuUsage()`, accounted by the kernel in scheduler ticks; a
 *   process-wide clock would leak other guests' activity); monotonic time
 *   where the host has no thread CPU clock.
 * - File times: the host has millisecond precision; nanosecond times the
 *   guest set are remembered per (device, inode) by each `Wasi` instance,
 *   as long as the host still shows the same millisecond.
 * @module
 */
import {
  type InstanceLike,
  type MemoryLike,
  WasiContext,
  WasiMissingMemory,
} from "./context.ts";
import { errnoFromError } from "./errno.ts";
import { Filetype, RIGHTS_DIR, RIGHTS_FILE } from "./constants.ts";
import { type Preopen, resolvePreopen } from "./fs/preopen.ts";
import type { WasiDenial } from "./denial.ts";
import { FsLock, FsLockCancelled, realmFsLock } from "./fs/lock.ts";
import {
  type ByteSink,
  type ByteSource,
  discardSink,
  emptySource,
} from "./stdio.ts";
import { argsFunctions } from "./args.ts";
import { environFunctions } from "./environ.ts";
import { clockFunctions } from "./clock.ts";
import { randomFunctions } from "./random.ts";
import { fdFunctions } from "./fd.ts";
import { pathFunctions } from "./path.ts";
import { pollFunctions } from "./poll.ts";
import { procFunctions, WasiCancelled, WasiExit } from "./proc.ts";
import { sockFunctions } from "./sock.ts";
import type { HostFunction, HostFunctions } from "./types.ts";

export { WasiCancelled, WasiExit } from "./proc.ts";
export { WasiMissingMemory } from "./context.ts";
export { Errno, errnoFromError, WasiError } from "./errno.ts";
export type { Preopen } from "./fs/preopen.ts";
export {
  type DenialReason,
  MAX_DENIAL_PATH,
  type WasiDenial,
  WasiDeniedError,
} from "./denial.ts";
export { newFsLockBuffer, releaseIfOwner } from "./fs/lock.ts";
export type { InstanceLike, MemoryLike } from "./context.ts";
export type { HostFunction, HostFunctions } from "./types.ts";
export {
  bufferSource,
  type ByteSink,
  type ByteSource,
  type CollectingSink,
  collectingSink,
  denoStderr,
  denoStdin,
  denoStdout,
  discardSink,
  emptySource,
  type LimitedSink,
  limitSink,
  SINK_CHUNK,
} from "./stdio.ts";

/** Options of a `Wasi` instance. */
export interface WasiOptions {
  /** argv; `args[0]` is the program name. */
  args?: string[];
  /** Exactly the environment the guest sees. */
  env?: Record<string, string>;
  /** Host directories exposed to the guest (fds 3, 4, ... in order). */
  preopens?: Preopen[];
  /** Standard input (default: empty). */
  stdin?: ByteSource;
  /** Standard output (default: discarded). */
  stdout?: ByteSink;
  /** Standard error (default: discarded). */
  stderr?: ByteSink;
  /**
   * Cooperative cancellation: an Int32Array over a SharedArrayBuffer. When
   * another thread stores a non-zero value at index 0 (and calls
   * `Atomics.notify(cancel, 0)` to cut a sleep short), the next WASI call or
   * the current sleep throws `WasiCancelled`. Needed because
   * `Worker.terminate()` does not interrupt a thread blocked in a guest.
   */
  cancel?: Int32Array;
  /**
   * Whether stdin/stdout/stderr are terminals (default: all `true`, i.e.
   * character devices, as before). `false` reports the descriptor with
   * filetype `unknown`, like wasmtime does for pipes, so guest `isatty()` /
   * Rust `IsTerminal` say no: libc then fully buffers stdout and colour-aware
   * programs print no ANSI escapes. Pass `false` when the output is captured
   * (e.g. an MCP tool result), `Deno.stdout.isTerminal()` when it streams.
   */
  terminal?: boolean | { stdin?: boolean; stdout?: boolean; stderr?: boolean };
  /**
   * Most descriptors the guest may hold at once, stdio and preopens included
   * (default 256). Further `path_open` calls fail with EMFILE before any host
   * file is opened, so one guest cannot exhaust the host process's file
   * handles (shared with the MCP server and other guests).
   */
  maxFds?: number;
  /**
   * The filesystem lock (see `fs/lock.ts`): an Int32Array over a
   * `SharedArrayBuffer` whose element 0 every `Wasi` of the process takes
   * around each operation that resolves a guest path and acts on it, so that
   * no guest can swap a checked directory for a symlink between the check
   * and the use. Give every `Wasi` whose preopens may overlap the same cell
   * (the sandbox passes one per process to every guest worker). Default: one
   * lock per JavaScript realm.
   */
  fsLock?: Int32Array;
  /**
   * Non-zero int32 stored in {@link WasiOptions.fsLock} while this `Wasi`
   * holds it, so that a supervisor can free the lock of a thread it had to
   * kill (`releaseIfOwner`). Default 1.
   */
  fsLockOwner?: number;
  /**
   * Told of every call refused for want of a grant: a path outside every
   * preopen (absolute, `..` above the root, a symlink leading out) or a
   * change through a read-only preopen. The guest's errno is unchanged
   * (`NOTCAPABLE`, `ROFS`, `PERM`); the path in the report is the guest's
   * raw text (escape it before printing). Called synchronously, possibly
   * very often: keep it cheap and bounded (deduplicate).
   */
  onDenied?: (denial: WasiDenial) => void;
  /**
   * Creates the symlink of a `path_symlink` call: `hostPath` is the link's
   * checked host path (inside a writable preopen, its directory verified),
   * `target` its checked target (relative, not climbing above the preopen).
   * Called while the filesystem lock is held; throw (a Deno error or a
   * `WasiError`) to fail the call with that errno. Default:
   * `Deno.symlinkSync`, which Deno allows only with unrestricted read and
   * write permission; a sandboxed thread passes a function that asks a more
   * privileged one (Porta's wall does, see `src/sandbox/broker.ts`).
   */
  symlink?: (target: string, hostPath: string) => void;
}

/** Names of every `wasi_snapshot_preview1` function. */
export const WASI_FUNCTIONS: readonly string[] = [
  "args_get",
  "args_sizes_get",
  "environ_get",
  "environ_sizes_get",
  "clock_res_get",
  "clock_time_get",
  "fd_advise",
  "fd_allocate",
  "fd_close",
  "fd_datasync",
  "fd_fdstat_get",
  "fd_fdstat_set_flags",
  "fd_fdstat_set_rights",
  "fd_filestat_get",
  "fd_filestat_set_size",
  "fd_filestat_set_times",
  "fd_pread",
  "fd_prestat_get",
  "fd_prestat_dir_name",
  "fd_pwrite",
  "fd_read",
  "fd_readdir",
  "fd_renumber",
  "fd_seek",
  "fd_sync",
  "fd_tell",
  "fd_write",
  "path_create_directory",
  "path_filestat_get",
  "path_filestat_set_times",
  "path_link",
  "path_open",
  "path_readlink",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
  "poll_oneoff",
  "proc_exit",
  "proc_raise",
  "sched_yield",
  "random_get",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
];

/**
 * Functions that resolve a guest path (or re-check a directory descriptor's
 * host path) and then act on it: each runs under the filesystem lock, from
 * the first `lstat` to its last syscall.
 */
const LOCKED: ReadonlySet<string> = new Set(
  WASI_FUNCTIONS.filter((n) =>
    n.startsWith("path_") || n === "fd_readdir" || n === "fd_filestat_get" ||
    n === "fd_filestat_set_times"
  ),
);

function guard(
  fn: HostFunction,
  cancel: Int32Array | undefined,
  lock: FsLock | undefined,
): HostFunction {
  const call: HostFunction = lock
    ? (...args: any[]) => lock.hold(() => fn(...args))
    : fn;
  return (...args: any[]) => {
    if (cancel && Atomics.load(cancel, 0) !== 0) throw new WasiCancelled();
    try {
      return call(...args);
    } catch (e) {
      if (
        e instanceof WasiExit || e instanceof WasiCancelled ||
        e instanceof WasiMissingMemory
      ) throw e;
      if (e instanceof FsLockCancelled) throw new WasiCancelled();
      return errnoFromError(e);
    }
  };
}

/** A WASI preview1 environment for one guest instance. */
export class Wasi {
  /** The import object to pass when instantiating. */
  readonly imports: { wasi_snapshot_preview1: HostFunctions };
  readonly #ctx: WasiContext;

  /**
   * Creates the environment. Throws an `Error` with a one-line message when
   * a preopen directory is missing.
   */
  constructor(options: WasiOptions = {}) {
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    for (const k of ["stdin", "stdout", "stderr"] as const) {
      if (options[k] !== undefined && typeof options[k] !== "function") {
        throw new TypeError(
          `WasiOptions.${k} must be a function (e.g. collectingSink().sink)`,
        );
      }
    }
    this.#ctx = new WasiContext(
      options.args ?? [],
      env,
      options.stdin ?? emptySource,
      options.stdout ?? discardSink,
      options.stderr ?? discardSink,
    );
    this.#ctx.cancel = options.cancel;
    this.#ctx.onDenied = options.onDenied;
    if (options.maxFds !== undefined) {
      if (!Number.isInteger(options.maxFds) || options.maxFds < 0) {
        throw new RangeError(
          `WasiOptions.maxFds must be a non-negative integer, got ${options.maxFds}`,
        );
      }
      this.#ctx.maxFds = options.maxFds;
    }
    const tty = options.terminal ?? true;
    for (
      const [fd, k] of [[0, "stdin"], [1, "stdout"], [2, "stderr"]] as const
    ) {
      const isTty = typeof tty === "boolean" ? tty : (tty[k] ?? true);
      if (!isTty) this.#ctx.fds.get(fd)!.filetype = Filetype.UNKNOWN;
    }
    for (const p of options.preopens ?? []) {
      const root = resolvePreopen(p);
      this.#ctx.allocate({
        kind: "dir",
        filetype: Filetype.DIRECTORY,
        rightsBase: RIGHTS_DIR,
        rightsInheriting: RIGHTS_DIR | RIGHTS_FILE,
        fdflags: 0,
        hostPath: root.realPath,
        preopen: root,
        isPreopen: true,
      });
    }
    const ctx = this.#ctx;
    const all: HostFunctions = {
      ...argsFunctions(ctx),
      ...environFunctions(ctx),
      ...clockFunctions(ctx),
      ...randomFunctions(ctx),
      ...fdFunctions(ctx),
      ...pathFunctions(ctx, options.symlink),
      ...pollFunctions(ctx),
      ...procFunctions(ctx),
      ...sockFunctions(ctx),
    };
    const lock = new FsLock(
      options.fsLock ?? realmFsLock(),
      options.fsLockOwner ?? 1,
      options.cancel,
    );
    const wrapped: HostFunctions = {};
    for (const name of WASI_FUNCTIONS) {
      wrapped[name] = guard(
        all[name],
        options.cancel,
        LOCKED.has(name) ? lock : undefined,
      );
    }
    this.imports = { wasi_snapshot_preview1: wrapped };
  }

  /** Binds the instance whose exported memory the host functions use. */
  bind(instance: InstanceLike): void {
    this.#ctx.instance = instance;
  }

  /** Uses `memory` instead of the instance's exported memory (for imported memories). */
  setMemory(memory: MemoryLike): void {
    this.#ctx.memory = memory;
  }

  /**
   * Runs a command: calls `_start` and returns the exit code (0 when `_start`
   * returns, the `proc_exit` code otherwise). Traps propagate unchanged.
   */
  start(instance: InstanceLike): number {
    this.bind(instance);
    const start = instance.exports._start;
    if (typeof start !== "function") {
      throw new Error("module does not export a _start function");
    }
    try {
      start();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    }
  }

  /** Prepares a reactor: calls `_initialize` when exported. */
  initialize(instance: InstanceLike): void {
    this.bind(instance);
    const init = instance.exports._initialize;
    if (typeof init === "function") init();
  }

  /** Closes every host file the guest left open. */
  close(): void {
    for (const e of this.#ctx.fds.values()) {
      try {
        e.file?.close();
      } catch {
        // already closed
      }
    }
    this.#ctx.fds.clear();
  }
}
