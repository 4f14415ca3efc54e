/**
 * Porta: a secure MCP bridge for WebAssembly agents.
 *
 * This module is the library face of Porta for other Deno code:
 *
 * - {@link wasm}: the pure TypeScript WebAssembly interpreter, with the shape
 *   of the standard WebAssembly JavaScript API plus resource limits;
 * - {@link wasi}: a WASI preview1 host on top of any engine of that shape;
 * - {@link sandbox}: capabilities, profiles, import checks and the
 *   Deno-permission wall that runs guests in narrowed workers;
 * - {@link agent}: a compiled agent with its manifest, running tool calls in
 *   fresh sandboxed instances;
 * - {@link mcp}: the MCP server and stdio transport that `porta serve` runs.
 *
 * @example Run a module with the interpreter
 * ```ts
 * import { wasm } from "jsr:@porta/cli";
 *
 * const bytes = await Deno.readFile("add.wasm");
 * const module = new wasm.Module(bytes);
 * const instance = new wasm.Instance(module, {}, { fuel: 1_000_000 });
 * const add = instance.exports.add as (a: number, b: number) => number;
 * console.log(add(2, 3), wasm.stepsUsed(instance));
 * ```
 *
 * @example Serve an agent over MCP on stdio
 * ```ts
 * import { agent, mcp } from "jsr:@porta/cli";
 *
 * const demo = await agent.Agent.load("agent.wasm", { profile: "worker" });
 * const server = new mcp.McpServer(demo, { name: "porta", version: "0.1.0" });
 * await new mcp.StdioTransport(Deno.stdin.readable, Deno.stdout.writable)
 *   .serve(server);
 * ```
 *
 * @module
 */

/**
 * The WebAssembly engine: `wasm.Module`, `wasm.Instance`, `wasm.Memory`,
 * `wasm.Table`, `wasm.Global`, `wasm.validate`, the error classes
 * `wasm.CompileError`, `wasm.LinkError` and `wasm.RuntimeError` (whose
 * `kind`, a `wasm.RuntimeErrorKind`, says what stopped the guest), plus
 * `wasm.stepsUsed` and `wasm.describeModule`. Code written for the global
 * `WebAssembly` object works unchanged against it.
 */
export * as wasm from "./src/wasm/mod.ts";

/**
 * WASI preview1 on top of any engine with the WebAssembly JS API shape:
 * `new wasi.Wasi({ args, env, preopens, stdin, stdout, stderr })`, its
 * `imports`, `start(instance)` and `initialize(instance)`, and stdio helpers.
 */
export * as wasi from "./src/wasi/mod.ts";

/**
 * The capability sandbox: capabilities and profiles, the WASI function to
 * capability map, import checks, run-time guards, and the Deno-permission
 * wall (`GuestWall`, `GuestPool`) that runs guests in narrowed workers.
 */
export * as sandbox from "./src/sandbox/mod.ts";

/**
 * Agents: manifests (JSONC, validated with field paths), the tool-call ABI,
 * restart policies and metrics.
 */
export * as agent from "./src/agent/mod.ts";

/**
 * The MCP server: JSON-RPC 2.0 framing, the protocol state machine and the
 * newline-delimited stdio transport.
 */
export * as mcp from "./src/mcp/mod.ts";
