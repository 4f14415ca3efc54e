/**
 * TEST-ONLY guest worker: the production job loop (`worker_core.ts`) and
 * Porta's WASI layer on the host's reference `WebAssembly` engine, plus a
 * probe hook that performs Deno calls from inside the worker so tests can
 * prove that Deno's permission wall holds on its own (even if the WASI layer
 * had a bug). It lives under tests/ and is unreachable from production code:
 * GuestWall only loads it when a test passes its URL explicitly.
 *
 * Probe: a job whose `args[0]` is `"__probe__"` performs, before the guest
 * runs, each `op:path` of `args[1..]` (`read`, `readdir`, `write`,
 * `symlink` with path `target=>link`, `env`, `net`, `run`) and writes `op path -> outcome` lines to stdout, where the
 * outcome is `allowed` or the Deno error class name (`envval` writes whether
 * reading `HOME` returned a value: `SET` or `unset`).
 */

import { Wasi, WasiExit } from "../../src/wasi/mod.ts";
import {
  type EngineLike,
  serveGuestJobs,
  type WasiConstructorOptions,
} from "../../src/sandbox/worker_core.ts";

function probe(spec: string): string {
  const i = spec.indexOf(":");
  const op = i < 0 ? spec : spec.slice(0, i);
  const path = i < 0 ? "" : spec.slice(i + 1);
  try {
    switch (op) {
      case "read":
        Deno.readFileSync(path);
        break;
      case "readdir":
        for (const _ of Deno.readDirSync(path)) break;
        break;
      case "write":
        Deno.writeTextFileSync(path, "escaped");
        break;
      case "symlink":
        // path = "<target>=><link>"
        Deno.symlinkSync(path.split("=>")[0], path.split("=>")[1]);
        break;
      case "env":
        Deno.env.get("HOME");
        break;
      case "envval":
        // what a read returns: the no-prompt layer answers "unset"
        return `envval -> ${
          Deno.env.get("HOME") === undefined ? "unset" : "SET"
        }`;
      case "net":
        Deno.listen({ hostname: "127.0.0.1", port: 0 }).close();
        break;
      case "run":
        new Deno.Command("true").outputSync();
        break;
      default:
        return `${spec} -> unknown probe`;
    }
    return `${op} ${path} -> allowed`.replace("  ", " ");
  } catch (err) {
    const name = err instanceof Error ? err.name : String(err);
    return `${op} ${path} -> ${name}`.replace("  ", " ");
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
