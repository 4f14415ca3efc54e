/**
 * Helpers of the MCP end-to-end tests: start `cli.ts serve <agent>` as a
 * child process and connect the official MCP SDK client to it.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fileURLToPath } from "node:url";

/** Repository root (with a trailing slash). */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));
/** The CLI entry. */
export const CLI: string = `${ROOT}cli.ts`;
/** The demo agent. */
export const DEMO: string = `${ROOT}testdata/agents/demo.wasm`;
/** The test agent. */
export const TEST_AGENT: string = `${ROOT}testdata/agents/testagent.wasm`;
/** An agent reading its environment (needs --profile full). */
export const ENV_AGENT: string = `${ROOT}testdata/agents/envagent.wasm`;
/** The agent implementing the MCP conformance suite's scenarios. */
export const CONFORMANCE: string = `${ROOT}testdata/agents/conformance.wasm`;

/** argv to start `porta serve` with Deno. */
export function serveArgs(agent: string, flags: string[] = []): string[] {
  return [
    "run",
    "-A",
    "--unstable-worker-options",
    CLI,
    "serve",
    agent,
    ...flags,
  ];
}

/** A connected SDK client plus the server's stderr. */
export interface Session {
  /** The SDK client (already initialized). */
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Closes the client (ends stdin) and waits for the process to exit. */
  close(): Promise<void>;
}

/** Starts `porta serve agent flags...` and connects an SDK client. */
export async function startSession(
  agent: string,
  flags: string[] = [],
): Promise<Session> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: serveArgs(agent, flags),
    cwd: ROOT,
    stderr: "pipe",
  });
  let err = "";
  const dec = new TextDecoder();
  transport.stderr?.on("data", (c: Uint8Array | string) => {
    err += typeof c === "string" ? c : dec.decode(c);
  });
  const client = new Client({ name: "porta-e2e", version: "1.0.0" });
  await client.connect(transport);
  let closed = false;
  return {
    client,
    stderr: () => err,
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

/** Waits until `cond()` holds, polling; fails after `ms`. */
export async function waitFor(
  cond: () => boolean,
  what: string,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { text?: string }[] }).content;
  return content?.[0]?.text ?? "";
}
