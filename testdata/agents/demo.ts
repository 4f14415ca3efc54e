/**
 * `deno task demo`: starts `porta serve testdata/agents/demo.wasm` as a child
 * process and drives a short scripted MCP session through the official MCP
 * TypeScript SDK client, printing the exchange (→ request, ← result), then
 * the server's stderr diagnostics.
 *
 * @module
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { fileURLToPath } from "node:url";

// Result shapes used below (the SDK's inferred types do not survive Deno's
// npm type resolution, so the results are cast to these).
interface TextContent {
  type: string;
  text?: string;
}
interface LogParams {
  level: string;
  logger?: string;
  data: unknown;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const agent = fileURLToPath(new URL("./demo.wasm", import.meta.url));

const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
const paint = (code: string) => (s: string) =>
  color ? `\x1b[${code}m${s}\x1b[0m` : s;
const bold = paint("1");
const dim = paint("2");
const cyan = paint("36");
const green = paint("32");
const red = paint("31");
const yellow = paint("33");

function show(value: unknown, max = 400): string {
  const s = typeof value === "string" ? value : JSON.stringify(value);
  return s.length > max ? s.slice(0, max) + dim(` … (${s.length} chars)`) : s;
}

function request(method: string, detail = ""): void {
  console.log(`${cyan("→")} ${bold(method)}${detail ? " " + detail : ""}`);
}

function reply(text: string, ms: number, error = false): void {
  const arrow = error ? red("←") : green("←");
  const lines = text.split("\n");
  console.log(`${arrow} ${lines[0]} ${dim(`(${ms.toFixed(1)} ms)`)}`);
  for (const l of lines.slice(1)) console.log(`  ${l}`);
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

const transport = new StdioClientTransport({
  command: Deno.execPath(),
  args: [
    "run",
    "-A",
    "--unstable-worker-options",
    "--no-prompt",
    `${root}cli.ts`,
    "serve",
    agent,
    "--step-limit",
    "50000000",
    "--timeout",
    "10s",
  ],
  cwd: root,
  stderr: "pipe",
});
let stderrText = "";
transport.stderr?.on("data", (chunk: Uint8Array | string) => {
  stderrText += typeof chunk === "string"
    ? chunk
    : new TextDecoder().decode(chunk);
});

const client = new Client({ name: "porta-demo-client", version: "1.0.0" });
client.setNotificationHandler(
  LoggingMessageNotificationSchema,
  (n: { params: LogParams }) => {
    console.log(
      `${yellow("←")} ${
        dim(`log [${n.params.level}] ${n.params.logger ?? ""}:`)
      } ${show(n.params.data)}`,
    );
  },
);

let failed = false;
try {
  console.log(bold("Porta demo: an MCP session with a WebAssembly agent\n"));
  request("initialize", dim("(spawning porta serve demo.wasm)"));
  const [, initMs] = await timed(() => client.connect(transport));
  const info = client.getServerVersion();
  reply(
    `${info?.name} ${info?.version} (${info?.title ?? ""})\n${
      dim(client.getInstructions() ?? "")
    }`,
    initMs,
  );

  request("tools/list");
  const [tools, listMs] = await timed(() =>
    client.listTools() as Promise<
      { tools: { name: string; description?: string }[] }
    >
  );
  reply(
    tools.tools.map((t) => `${bold(t.name)}: ${t.description ?? ""}`).join(
      "\n",
    ),
    listMs,
  );

  request("logging/setLevel", "info");
  const [, levelMs] = await timed(() => client.setLoggingLevel("info"));
  reply("ok: guest stderr now arrives as notifications/message", levelMs);

  const calls: [string, Record<string, unknown>][] = [
    ["word_count", { text: "Porta runs WebAssembly agents\nin a sandbox." }],
    ["reverse", { text: "Hello, wörld! 🌍" }],
    ["fib", { n: 90 }],
    ["sha256", { text: "hello" }],
    ["fib", { n: 93 }],
  ];
  for (const [name, args] of calls) {
    request("tools/call", `${name} ${show(args)}`);
    const [r, ms] = await timed(() =>
      client.callTool({ name, arguments: args }) as Promise<
        { content: TextContent[]; isError?: boolean }
      >
    );
    const content = r.content;
    const text = content.map((c) => c.text ?? `[${c.type}]`).join("\n");
    reply(r.isError ? `${red("isError")} ${text}` : text, ms, !!r.isError);
  }

  request("tools/call", "no_such_tool {}");
  const t0 = performance.now();
  try {
    await client.callTool({ name: "no_such_tool", arguments: {} });
    reply("unexpected success", performance.now() - t0, true);
  } catch (e) {
    reply(
      `${red("error")} ${(e as Error).message}`,
      performance.now() - t0,
      true,
    );
  }

  request("resources/list");
  const [res, resMs] = await timed(() =>
    client.listResources() as Promise<
      { resources: { uri: string; mimeType?: string; description?: string }[] }
    >
  );
  reply(
    res.resources.map((r) =>
      `${bold(r.uri)} ${r.mimeType ?? ""} ${r.description ?? ""}`
    ).join("\n"),
    resMs,
  );
  request("resources/read", "demo://readme");
  const [read, readMs] = await timed(() =>
    client.readResource({ uri: "demo://readme" }) as Promise<
      { contents: { text?: string }[] }
    >
  );
  const first = read.contents[0];
  reply(
    (first.text ?? "").trimEnd().split("\n").slice(0, 3).join("\n") +
      dim("\n…"),
    readMs,
  );

  const promptArgs = { topic: "WebAssembly sandboxes", style: "playful" };
  request("prompts/get", `summarize ${show(promptArgs)}`);
  const [prompt, promptMs] = await timed(() =>
    client.getPrompt({
      name: "summarize",
      arguments: promptArgs,
    }) as Promise<{ messages: { role: string; content: TextContent }[] }>
  );
  reply(
    prompt.messages.map((m) =>
      `${m.role}: ${m.content.text ?? `[${m.content.type}]`}`
    ).join("\n"),
    promptMs,
  );

  request("ping");
  const [, pingMs] = await timed(() => client.ping());
  reply("pong", pingMs);
} catch (e) {
  failed = true;
  console.log(red(`demo failed: ${(e as Error).message}`));
} finally {
  await client.close();
}

console.log(bold("\nServer diagnostics (stderr):"));
for (const line of stderrText.trimEnd().split("\n")) {
  if (line !== "") console.log(dim(line));
}
Deno.exit(failed ? 1 : 0);
