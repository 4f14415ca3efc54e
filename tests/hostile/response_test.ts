/**
 * Hostile agents, item 10: what Porta sends is always valid and always sent.
 * Before: a guest result nested 3,600 levels deep (22 KB) made
 * `JSON.stringify` throw, so no response was ever sent and the call was
 * logged `ok`; lone surrogates and 5,000-deep `structuredContent` were
 * forwarded and broke common client parsers.
 */
import { ok, strictEqual } from "node:assert/strict";
import { McpServer } from "../../src/mcp/server.ts";
import type {
  CallOptions,
  McpAgent,
  McpManifest,
  ToolResult,
} from "../../src/mcp/server.ts";
import {
  type JsonRpcMessage,
  MAX_MESSAGE_DEPTH,
  prepareMessage,
  serialize,
  success,
} from "../../src/mcp/jsonrpc.ts";
import { decodeResponse } from "../../src/agent/abi.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** `{"0":{"0":...1...}}`: the shape that made JSON.stringify overflow at 3,600. */
function deepJson(levels: number): string {
  return '{"0":'.repeat(levels) + "1" + "}".repeat(levels);
}

/** An agent whose every call returns `text` (set per test). */
class TextAgent implements McpAgent {
  text = "";
  readonly manifest: McpManifest = {
    name: "m",
    version: "1",
    tools: [
      { name: "plain", inputSchema: { type: "object" } },
      {
        name: "structured",
        inputSchema: { type: "object" },
        outputSchema: { type: "object" },
      },
    ],
    resources: [{ uri: "r://x", name: "x" }],
    prompts: [{ name: "p" }],
  };
  #result(): Promise<ToolResult> {
    return Promise.resolve({
      text: this.text,
      isError: false,
      steps: 1,
      memoryPages: 1,
      durationMs: 1,
      exitCode: 0,
    });
  }
  callTool(_n: string, _a: unknown, _o?: CallOptions) {
    return this.#result();
  }
  readResource() {
    return this.#result();
  }
  getPrompt() {
    return this.#result();
  }
}

/** The server with its output as the client would read it (NDJSON lines). */
class Wire {
  readonly agent = new TextAgent();
  readonly lines: string[] = [];
  readonly logs: string[] = [];
  readonly server: McpServer;
  #id = 0;
  constructor(maxMessageChars?: number, manifest?: McpManifest) {
    const agent: McpAgent = manifest
      ? Object.assign(Object.create(this.agent), { manifest })
      : this.agent;
    this.server = new McpServer(agent, {
      version: "0",
      log: (l) => this.logs.push(l),
      maxMessageChars,
    });
    // the stdio transport writes serialize(message)
    this.server.connect((m: JsonRpcMessage) =>
      void this.lines.push(serialize(m))
    );
    this.server.receive(JSON.stringify({
      jsonrpc: "2.0",
      id: "init",
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {} },
    }));
  }
  /** Sends a request; returns the raw line of its response, checked to be strict JSON. */
  async call(
    method: string,
    params: unknown,
  ): Promise<{ line: string; m: Any }> {
    const id = ++this.#id;
    this.server.receive(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    await this.server.idle();
    const line = this.lines.find((l) => JSON.parse(l).id === id);
    ok(line !== undefined, `no response to ${method}`);
    ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"));
    ok(line.isWellFormed(), "the line is valid Unicode");
    const m = JSON.parse(line);
    ok(wellFormed(m), "no lone surrogate, raw or escaped");
    ok(jsonDepth(m) <= MAX_MESSAGE_DEPTH, "within the depth bound");
    return { line, m };
  }
}

function wellFormed(v: unknown): boolean {
  if (typeof v === "string") return v.isWellFormed();
  if (typeof v !== "object" || v === null) return true;
  return Object.entries(v).every(([k, x]) => k.isWellFormed() && wellFormed(x));
}

function jsonDepth(v: unknown): number {
  if (typeof v !== "object" || v === null) return 0;
  let max = 0;
  for (const c of Object.values(v)) max = Math.max(max, jsonDepth(c));
  return max + 1;
}

Deno.test("hostile response: a guest result nested 3,600 levels deep becomes an isError result naming the problem", async () => {
  const w = new Wire();
  const deep = deepJson(3600);
  strictEqual(deep.length, 21601); // 22 KB
  // as structuredContent of a tool with an outputSchema
  w.agent.text = deep;
  const a = await w.call("tools/call", { name: "structured", arguments: {} });
  strictEqual(a.m.result.isError, true);
  strictEqual(
    a.m.result.content[0].text,
    "the result cannot be sent: structuredContent is nested more than 98 levels deep",
  );
  // as a rich result ({"content": [...], "structuredContent": deep}): past
  // 1,024 levels it is not parsed on the main thread, and goes out as the
  // guest's own text
  w.agent.text =
    `{"content":[{"type":"text","text":"hi"}],"structuredContent":${deep}}`;
  const b = await w.call("tools/call", { name: "plain", arguments: {} });
  strictEqual(b.m.result.isError, false);
  strictEqual(b.m.result.content[0].text, w.agent.text);
  // 150 levels are parsed, and refused as a rich result that cannot be sent
  const deep150 = deepJson(150);
  w.agent.text =
    `{"content":[{"type":"text","text":"hi"}],"structuredContent":${deep150}}`;
  const c = await w.call("tools/call", { name: "plain", arguments: {} });
  strictEqual(c.m.result.isError, true);
  strictEqual(
    c.m.result.content[0].text,
    "the result cannot be sent: structuredContent is nested more than 98 levels deep",
  );
  // each refused call counts as an error, and its line says why
  strictEqual(w.server.stats.errors, 2);
  const calls = w.logs.filter((l) =>
    l.startsWith("[porta] tool=") && l.includes(" error ")
  );
  strictEqual(calls.length, 2);
  for (const l of calls) {
    ok(/ error .*\(the result cannot be sent: structuredContent/.test(l), l);
  }
  // the ABI envelope {"ok": deep} decodes without throwing
  const d = decodeResponse(`{"ok": ${deep}}`);
  strictEqual(d.kind, "ok");
  strictEqual(d.text, deep);
  // resources and prompts: a -32603 error naming the problem, not silence
  w.agent.text = JSON.stringify({
    messages: [{
      role: "user",
      content: { type: "text", text: "x", extra: JSON.parse(deepJson(150)) },
    }],
  });
  const p = await w.call("prompts/get", { name: "p" });
  strictEqual(p.m.error.code, -32603);
  ok(
    p.m.error.message.startsWith(
      "prompt p failed: the result cannot be sent: messages is nested more than",
    ),
    p.m.error.message,
  );
});

Deno.test("hostile response: structuredContent 5,000 deep is refused with isError", async () => {
  const w = new Wire();
  w.agent.text = deepJson(5000);
  const r = await w.call("tools/call", { name: "structured", arguments: {} });
  strictEqual(r.m.result.isError, true);
  ok(!("structuredContent" in r.m.result));
  ok(/nested more than 98 levels/.test(r.m.result.content[0].text));
  // just under the bound passes through whole
  w.agent.text = deepJson(MAX_MESSAGE_DEPTH - 2);
  const fine = await w.call("tools/call", {
    name: "structured",
    arguments: {},
  });
  strictEqual(fine.m.result.isError, false);
  strictEqual(jsonDepth(fine.m), MAX_MESSAGE_DEPTH);
});

Deno.test("hostile response: lone surrogates are replaced with U+FFFD everywhere Porta sends text", async () => {
  const w = new Wire();
  const evil = "a\ud800b\udc00c\udbff";
  const fixed = "a\ufffdb\ufffdc\ufffd";
  // raw lone surrogates in the guest's text (its JSON keys and values too)
  w.agent.text = `{"k${evil}": "${evil}", "ok": "😀"}`;
  const r = await w.call("tools/call", { name: "structured", arguments: {} });
  strictEqual(
    r.m.result.content[0].text,
    `{"k${fixed}": "${fixed}", "ok": "😀"}`,
  );
  strictEqual(r.m.result.structuredContent[`k${fixed}`], fixed);
  strictEqual(r.m.result.structuredContent.ok, "😀", "pairs are kept");
  // error messages carry client text too
  const e = await w.call("tools/call", { name: `x${evil}`, arguments: {} });
  strictEqual(e.m.error.message, `unknown tool: x${fixed}`);
  // resources and prompts
  w.agent.text = evil;
  const res = await w.call("resources/read", { uri: "r://x" });
  strictEqual(res.m.result.contents[0].text, fixed);
  const p = await w.call("prompts/get", { name: "p" });
  strictEqual(p.m.result.messages[0].content.text, fixed);
});

Deno.test("hostile response: a result over the size bound becomes isError; the line stays bounded", async () => {
  const w = new Wire(10_000);
  w.agent.text = "x".repeat(20_000);
  const r = await w.call("tools/call", { name: "plain", arguments: {} });
  strictEqual(r.m.result.isError, true);
  strictEqual(
    r.m.result.content[0].text,
    "the result cannot be sent: content is larger than 10000 characters of JSON",
  );
  ok(r.line.length < 1000);
  // a small one still passes
  w.agent.text = "x".repeat(5_000);
  const fine = await w.call("tools/call", { name: "plain", arguments: {} });
  strictEqual(fine.m.result.content[0].text.length, 5_000);
});

Deno.test("hostile response: a response that cannot be encoded still reaches the client as a -32603 error for its id", async () => {
  // last resort in the server's send: tools/list of a manifest nobody
  // validated, whose outputSchema nests past the bound
  const manifest: McpManifest = {
    name: "m",
    version: "1",
    tools: [{
      name: "t",
      inputSchema: { type: "object" },
      outputSchema: JSON.parse(deepJson(MAX_MESSAGE_DEPTH)),
    }],
  };
  const w = new Wire(undefined, manifest);
  const r = await w.call("tools/list", {});
  strictEqual(r.m.error.code, -32603);
  strictEqual(
    r.m.error.message,
    `response cannot be sent: nested more than ${MAX_MESSAGE_DEPTH} levels deep`,
  );
  ok(
    w.logs.some((l) => l.includes("a message could not be sent")),
    w.logs.join("\n"),
  );
  // serialize never throws, whatever the message holds
  for (
    const bad of [
      success(7, { big: 10n }),
      success(7, JSON.parse(deepJson(100_000))),
    ]
  ) {
    const line = serialize(bad as JsonRpcMessage);
    const m = JSON.parse(line);
    strictEqual(m.id, 7);
    strictEqual(m.error.code, -32603);
  }
  const cyclic: Any = { a: 1 };
  cyclic.self = cyclic;
  const prepared = prepareMessage(success("c", cyclic));
  ok(prepared.problem?.includes("nested more than"));
  strictEqual((prepared.message as Any).id, "c");
});
