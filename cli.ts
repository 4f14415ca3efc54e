#!/usr/bin/env -S deno run -A --unstable-worker-options --no-prompt
/**
 * The `porta` command line: `porta run | serve | build | inspect | validate |
 * help | version`. Run `porta help` for details.
 *
 * @example
 * ```sh
 * deno run -A --unstable-worker-options --no-prompt cli.ts run agent.wasm -- arg1
 * ```
 *
 * @module
 */

import { main } from "./src/cli/main.ts";

export { main };

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
