/**
 * The production lower layers of the Agent: the engine (`src/wasm`) compiles
 * and describes the module, the sandbox (`src/sandbox`) runs jobs.
 *
 * @module
 */

import type { AgentRuntime } from "./runtime.ts";

/** The runtime used by `Agent.load` unless one is injected. */
export const defaultRuntime: AgentRuntime = {
  describe(): never {
    throw new Error("the Porta engine is not available in this build yet");
  },
  createRunner(): never {
    throw new Error("the Porta sandbox is not available in this build yet");
  },
};
