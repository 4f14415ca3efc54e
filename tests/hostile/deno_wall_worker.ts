/**
 * TEST-ONLY guest worker for `deno_wall_test.ts`: the production job loop
 * (`worker_core.ts`) on the host's `WebAssembly`, plus a probe that calls, from
 * inside the worker and so under its narrowed Deno permissions, the very Deno
 * APIs each WASI function that changes files uses (`Deno.mkdirSync`,
 * `Deno.linkSync`, `Deno.openSync` with write/create/truncate/append, ...),
 * with no WASI check in front of them. GuestWall loads it only when a test
 * passes its URL.
 *
 * A job whose `args[0]` is `"__probe__"` runs each `op:arg` of `args[1..]`
 * before the guest and writes `op arg -> allowed` or `op arg -> <ErrorName>`
 * lines to stdout; two-path ops take `a=>b`.
 */
import { lutimesSync } from "node:fs";
import { Wasi, WasiExit } from "../../src/wasi/mod.ts";
import {
  type EngineLike,
  serveGuestJobs,
  type WasiConstructorOptions,
} from "../../src/sandbox/worker_core.ts";

const PAST = new Date(2_000_000);

function run(op: string, arg: string): void {
  const [a, b] = arg.split("=>");
  const withFile = (
    options: Deno.OpenOptions,
    fn: (f: Deno.FsFile) => void,
  ) => {
    const f = Deno.openSync(a, options);
    try {
      fn(f);
    } finally {
      f.close();
    }
  };
  switch (op) {
    case "read": // control: reading is granted
      Deno.readFileSync(a);
      return;
    case "mkdir": // path_create_directory
      return Deno.mkdirSync(a);
    case "utime": // path_filestat_set_times (follow)
      return Deno.utimeSync(a, PAST, PAST);
    case "lutime": // path_filestat_set_times (no follow)
      return lutimesSync(a, PAST, PAST);
    case "link": // path_link
      return Deno.linkSync(a, b);
    case "create": // path_open O_CREAT
      return withFile({ write: true, create: true }, () => {});
    case "trunc": // path_open O_TRUNC
      return withFile({ write: true, truncate: true }, () => {});
    case "write": // path_open FD_WRITE, then fd_write / fd_pwrite
      return withFile({ write: true }, (f) => {
        f.writeSync(new TextEncoder().encode("EVIL"));
      });
    case "append": // path_open APPEND
      return withFile({ append: true }, (f) => {
        f.writeSync(new TextEncoder().encode("EVIL"));
      });
    case "rmdir": // path_remove_directory
      return Deno.removeSync(a);
    case "rename": // path_rename
      return Deno.renameSync(a, b);
    case "symlink": // path_symlink
      return Deno.symlinkSync(a, b);
    case "unlink": // path_unlink_file
      return Deno.removeSync(a);
    case "truncate": // fd_filestat_set_size / fd_allocate by path
      return Deno.truncateSync(a, 0);
    case "ftruncate": // fd_filestat_set_size on a descriptor opened for reading
      return withFile({ read: true }, (f) => f.truncateSync(0));
    case "fwrite": // fd_write on a descriptor opened for reading
      return withFile({ read: true }, (f) => {
        f.writeSync(new TextEncoder().encode("EVIL"));
      });
    case "futime": // fd_filestat_set_times on a descriptor opened for reading
      return withFile({ read: true }, (f) => f.utimeSync(PAST, PAST));
    default:
      throw new Error(`unknown probe ${op}`);
  }
}

function probe(spec: string): string {
  const i = spec.indexOf(":");
  const op = spec.slice(0, i), arg = spec.slice(i + 1);
  try {
    run(op, arg);
    return `${op} ${arg} -> allowed`;
  } catch (err) {
    return `${op} ${arg} -> ${err instanceof Error ? err.name : String(err)}`;
  }
}

function createWasi(options: WasiConstructorOptions): Wasi {
  if (options.args[0] === "__probe__") {
    const lines = options.args.slice(1).map(probe).join("\n") + "\n";
    options.stdout(new TextEncoder().encode(lines));
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
