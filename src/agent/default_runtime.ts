/**
 * The production lower layers of the Agent: Porta's engine (`src/wasm`)
 * compiles, validates and describes the module; the sandbox (`src/sandbox`)
 * runs jobs in its guest workers (which use the same engine).
 *
 * @module
 */

import { describeModule, Module } from "../wasm/mod.ts";
import { GuestPool } from "../sandbox/wall.ts";
import type { AgentRuntime } from "./runtime.ts";

/** The runtime used by `Agent.load` unless one is injected. */
export const defaultRuntime: AgentRuntime = {
  describe(bytes) {
    const m = new Module(bytes as BufferSource);
    return {
      imports: Module.imports(m),
      exports: describeModule(m).exports.map((e) => ({
        name: e.name,
        kind: e.kind,
        type: e.type,
      })),
    };
  },
  createRunner(bytes, opts) {
    return GuestPool.create(bytes, {
      grants: opts.grants,
      preopens: opts.preopens,
      size: opts.size ?? 1,
      background: opts.background,
      onWarm: opts.onWarm,
      strictImports: opts.strictImports,
      wasiImports: opts.wasiImports,
      tier: opts.tier,
    });
  },
};
