/**
 * Helpers of the MCP end-to-end tests: start `cli.ts serve <agent>` as a
 * child process and connect the official MCP SDK client to it.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
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

/** How a test wants its SDK client made. */
export interface ClientSetup {
  /** Client capabilities (sampling, elicitation, roots). */
  capabilities?: Record<string, unknown>;
  /** Installs request handlers before the client connects. */
  setup?(client: Client): void;
}

function makeClient(o: ClientSetup = {}): Client {
  const client = new Client({ name: "porta-e2e", version: "1.0.0" }, {
    capabilities: o.capabilities ?? {},
  });
  o.setup?.(client);
  return client;
}

/** A running `porta serve --http` process. */
export interface HttpServer {
  /** The endpoint URL (`http://127.0.0.1:PORT/mcp`). */
  url: string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Stops the server (SIGTERM) and waits for it to exit; its exit code. */
  stop(): Promise<number>;
}

/** Starts `porta serve agent --http 127.0.0.1:0 flags...` and waits until it listens. */
export async function startHttpServer(
  agent: string,
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<HttpServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: serveArgs(agent, ["--http", "127.0.0.1:0", ...flags]),
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env,
  }).spawn();
  let err = "";
  const dec = new TextDecoder();
  const pump = (async () => {
    for await (const c of child.stderr) err += dec.decode(c, { stream: true });
  })();
  let url = "";
  try {
    await waitFor(
      () => {
        const m = /on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err);
        if (m) url = m[1];
        return url !== "";
      },
      "the server to listen",
      30_000,
    );
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`${e instanceof Error ? e.message : e}; stderr: ${err}`);
  }
  return {
    url,
    stderr: () => err,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      const status = await child.status;
      await pump;
      return status.code;
    },
  };
}

/** Connects an SDK client to a `porta serve --http` endpoint. */
export async function connectHttp(
  url: string,
  o: ClientSetup = {},
): Promise<Client> {
  const client = makeClient(o);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** Starts `porta serve agent flags...` and connects an SDK client. */
export async function startSession(
  agent: string,
  flags: string[] = [],
  o: ClientSetup = {},
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
  const client = makeClient(o);
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
