/**
 * Entry point of the guest worker (started by `wall.ts` with narrowed Deno
 * permissions): the job loop of `worker_core.ts` wired to Porta's own
 * interpreter and WASI layer. The host's `WebAssembly` is never used here.
 *
 * @module
 */

// First: report uncaught errors as one line (see worker_guard.ts).
import "./worker_guard.ts";
// Second: a Deno call outside the worker's permissions is refused at once,
// never asked about (see no_prompt.ts).
import "./no_prompt_install.ts";
import * as engine from "../wasm/mod.ts";
import { Wasi, WasiExit } from "../wasi/mod.ts";
import { type EngineLike, serveGuestJobs } from "./worker_core.ts";

serveGuestJobs(
  {
    engine: engine as unknown as EngineLike,
    createWasi: (options) => new Wasi(options),
    exitCode: (e) => e instanceof WasiExit ? e.code : undefined,
    // the interpreter's warm-up at start-up, not in the first job's time
    prepare: engine.warmUp,
  },
  self as unknown as Parameters<typeof serveGuestJobs>[1],
);
