/**
 * The MCP layer of Porta: JSON-RPC 2.0 framing ({@link parseMessage},
 * {@link ErrorCode}), the transport-agnostic MCP server ({@link McpServer})
 * and the newline-delimited JSON stdio transport ({@link StdioTransport}).
 *
 * @example Serve an agent on stdin/stdout
 * ```ts
 * import { Agent } from "../agent/mod.ts";
 * import { McpServer, StdioTransport } from "./mod.ts";
 *
 * const agent = await Agent.load("agent.wasm");
 * const server = new McpServer(agent, { version: "0.1.0" });
 * const transport = new StdioTransport(Deno.stdin.readable, Deno.stdout.writable);
 * await transport.serve(server);
 * await server.idle();
 * await transport.close();
 * await agent.close();
 * ```
 *
 * @module
 */

export * from "./jsonrpc.ts";
export * from "./server.ts";
export * from "./transport/transport.ts";
export * from "./transport/stdio.ts";
