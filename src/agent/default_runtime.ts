/**
 * The production lower layers of the Agent: the engine (`src/wasm`) compiles
 * and describes the module, the sandbox (`src/sandbox`) runs jobs.
 *
 * @module
 */

import { GuestPool } from "../sandbox/wall.ts";
import type { AgentRuntime } from "./runtime.ts";

/** The runtime used by `Agent.load` unless one is injected. */
export const defaultRuntime: AgentRuntime = {
  describe(): never {
    throw new Error("the Porta engine is not available in this build yet");
  },
  createRunner(bytes, opts) {
    return GuestPool.create(bytes, {
      grants: opts.grants,
      preopens: opts.preopens,
      size: opts.size ?? 1,
    });
  },
};
