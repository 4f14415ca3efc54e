/**
 * TEST-ONLY guest worker: the production job loop on Porta's engine and
 * WASI layer, with the engine's `Instance` wrapped to write the tier it is
 * given (`[tier=T]`, or `[tier=none]`) to the guest's stderr before the
 * instance is created, so a test sees what reached `InstanceOptions.tier`.
 */

import * as engine from "../../src/wasm/mod.ts";
import { Wasi, WasiExit } from "../../src/wasi/mod.ts";
import {
  type EngineLike,
  type InstanceOptionsLike,
  serveGuestJobs,
} from "../../src/sandbox/worker_core.ts";

let stderr: ((b: Uint8Array) => void) | undefined;

function Instance(
  module: object,
  imports: Record<string, Record<string, unknown>>,
  options: InstanceOptionsLike,
) {
  stderr?.(new TextEncoder().encode(`[tier=${options?.tier ?? "none"}]\n`));
  return new engine.Instance(module as engine.Module, imports, options);
}

serveGuestJobs(
  {
    engine: { ...engine, Instance } as unknown as EngineLike,
    createWasi: (options) => {
      stderr = options.stderr;
      return new Wasi(options);
    },
    exitCode: (e) => e instanceof WasiExit ? e.code : undefined,
  },
  self as unknown as Parameters<typeof serveGuestJobs>[1],
);
