import assert from "node:assert/strict";
import {
  checkArguments,
  decodeCursor,
  encodeCursor,
  isTextMime,
  MAX_STDERR_LINES,
  McpServer,
  promptResult,
  richResult,
} from "../../src/mcp/server.ts";
import type { JsonRpcMessage } from "../../src/mcp/jsonrpc.ts";
import { SchemaError } from "../../src/agent/schema.ts";
import { FakeAgent } from "./fake_agent.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

class Harness {
  readonly sent: Any[] = [];
  readonly logs: string[] = [];
  readonly server: McpServer;
  readonly agent: FakeAgent;
  #id = 0;
  constructor(opts: { extraTools?: number; concurrency?: number } = {}) {
    this.agent = new FakeAgent(opts.extraTools ?? 0);
    this.server = new McpServer(this.agent, {
      version: "9.9.9",
      concurrency: opts.concurrency,
      pageSize: 3,
      limits: { stepLimit: 1000 },
      log: (l) => this.logs.push(l),
    });
    this.server.connect((m: JsonRpcMessage) => {
      this.sent.push(m);
    });
  }
  send(obj: unknown): void {
    this.server.receive(JSON.stringify(obj));
  }
  async request(method: string, params?: unknown): Promise<Any> {
    const id = ++this.#id;
    this.send({ jsonrpc: "2.0", id, method, params });
    await this.server.idle();
    const responses = this.sent.filter((m) => m.id === id);
    assert.deepEqual(responses.length, 1, `exactly one response to ${method}`);
    return responses[0];
  }
  /** Lets queued work run until `cond` holds (fails after 1000 turns). */
  async until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !cond(); i++) {
      await new Promise((r) => setTimeout(r, 0));
    }
    assert.ok(cond(), "condition never became true");
  }
  async init(): Promise<Any> {
    const r = await this.request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "test", version: "0" },
    });
    this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return r;
  }
}

Deno.test("initialize negotiates the version and reports capabilities", async () => {
  const h = new Harness();
  const r = await h.init();
  assert.deepEqual(r.result.protocolVersion, "2025-11-25");
  assert.deepEqual(r.result.serverInfo.name, "porta");
  assert.deepEqual(r.result.serverInfo.version, "9.9.9");
  assert.deepEqual(r.result.instructions, "A fake agent.");
  assert(r.result.capabilities.tools);
  assert(r.result.capabilities.logging);
  const again = await h.request("initialize", {
    protocolVersion: "2025-11-25",
  });
  assert.deepEqual(again.error.code, -32600);
});

Deno.test("initialize answers an old supported version and falls back for unknown ones", async () => {
  const a = new Harness();
  const r1 = await a.request("initialize", { protocolVersion: "2024-11-05" });
  assert.deepEqual(r1.result.protocolVersion, "2024-11-05");
  const b = new Harness();
  const r2 = await b.request("initialize", { protocolVersion: "1999-01-01" });
  assert.deepEqual(r2.result.protocolVersion, "2025-11-25");
  const c = new Harness();
  const r3 = await c.request("initialize", {});
  assert.deepEqual(r3.error.code, -32602);
});

Deno.test("requests before initialize are rejected, except ping", async () => {
  const h = new Harness();
  assert.deepEqual((await h.request("ping")).result, {});
  const r = await h.request("tools/list");
  assert.deepEqual(r.error.code, -32600);
  assert.match(r.error.message, /not initialized/);
});

Deno.test("JSON-RPC errors: parse, invalid request, batch, unknown method", async () => {
  const h = new Harness();
  await h.init();
  h.server.receive("{not json");
  h.server.receive("[1,2]");
  h.server.receive('{"jsonrpc":"1.0","id":7,"method":"ping"}');
  h.server.receive('{"jsonrpc":"2.0","id":null,"method":"ping"}');
  h.server.receive('{"jsonrpc":"2.0","id":8,"method":"ping","params":[1]}');
  h.server.receive('"just a string"');
  await h.server.idle();
  const codes = h.sent.slice(1).map((m) => [m.id, m.error?.code]);
  assert.deepEqual(codes, [
    [null, -32700],
    [null, -32600],
    [7, -32600],
    [null, -32600],
    [8, -32600],
    [null, -32600],
  ]);
  const u = await h.request("no/such");
  assert.deepEqual(u.error.code, -32601);
});

Deno.test("notifications are never answered, even unknown or malformed ones", async () => {
  const h = new Harness();
  await h.init();
  const before = h.sent.length;
  h.send({ jsonrpc: "2.0", method: "notifications/whatever" });
  h.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: {} });
  h.send({ jsonrpc: "2.0", method: "x", params: 5 });
  await h.server.idle();
  assert.deepEqual(h.sent.length, before);
});

Deno.test("tools/list pages with opaque cursors; bad cursor is -32602", async () => {
  const h = new Harness({ extraTools: 2 });
  await h.init();
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await h.request("tools/list", cursor ? { cursor } : {});
    names.push(...r.result.tools.map((t: Any) => t.name));
    cursor = r.result.nextCursor;
    pages++;
  } while (cursor);
  assert.deepEqual(pages, 5);
  assert.deepEqual(names.length, 13);
  assert.deepEqual(names[0], "echo");
  const bad = await h.request("tools/list", { cursor: "!!!" });
  assert.deepEqual(bad.error.code, -32602);
  const far = await h.request("tools/list", { cursor: encodeCursor(999) });
  assert.deepEqual(far.error.code, -32602);
});

Deno.test("tools with an outputSchema also get structuredContent; title/annotations listed", async () => {
  const h = new Harness();
  await h.init();
  const list = await h.request("tools/list", { cursor: encodeCursor(8) });
  assert.deepEqual(list.result.tools[0], {
    name: "json",
    title: "JSON tool",
    inputSchema: { type: "object" },
    outputSchema: { type: "object" },
    annotations: { readOnlyHint: true },
  });
  const r = await h.request("tools/call", { name: "json" });
  assert.deepEqual(r.result, {
    content: [{ type: "text", text: '{"a":1}' }],
    isError: false,
    structuredContent: { a: 1 },
  });
  const plain = await h.request("tools/call", {
    name: "echo",
    arguments: { text: '{"a":1}' },
  });
  assert.equal(plain.result.structuredContent, undefined);
});

Deno.test("rich results pass through; anything else is one text block", async () => {
  const h = new Harness();
  await h.init();
  const rich = await h.request("tools/call", { name: "rich" });
  assert.deepEqual(rich.result, {
    content: [
      { type: "text", text: "t" },
      { type: "image", data: "AAAA", mimeType: "image/png" },
    ],
    isError: false,
  });
  const not = await h.request("tools/call", { name: "notrich" });
  assert.equal(not.result.content.length, 1);
  assert.equal(not.result.content[0].type, "text");
  assert.match(not.result.content[0].text, /"extra":1/);
  assert.equal(
    richResult('{"content":[{"type":"image","data":"x"}]}'),
    undefined,
  );
  assert.equal(richResult('{"content":[]}'), undefined);
  assert.equal(richResult("plain"), undefined);
  assert.deepEqual(
    richResult(
      '{"content":[{"type":"resource_link","uri":"a:b","name":"n"}],"isError":true}',
    ),
    {
      content: [{ type: "resource_link", uri: "a:b", name: "n" }],
      isError: true,
    },
  );
});

Deno.test("binary resources are served as base64 blobs", async () => {
  const h = new Harness();
  await h.init();
  const img = await h.request("resources/read", { uri: "fake://image" });
  assert.deepEqual(img.result.contents, [{
    uri: "fake://image",
    mimeType: "image/png",
    blob: "iVBORw==",
  }]);
  const bad = await h.request("resources/read", { uri: "fake://badblob" });
  assert.equal(bad.error.code, -32603);
  assert.match(bad.error.message, /base64/);
  assert.ok(isTextMime("text/markdown; charset=utf-8"));
  assert.ok(isTextMime("application/ld+json"));
  assert.ok(!isTextMime("image/png"));
});

Deno.test("completion/complete is not advertised without the manifest's completions, answers an empty list and checks the reference", async () => {
  const h = new Harness();
  const init = await h.init();
  // only what is implemented is advertised: completions need the agent's
  assert.equal(init.result.capabilities.completions, undefined);
  assert.equal(init.result.capabilities.resources.subscribe, true);
  const sub = await h.request("resources/subscribe", { uri: "fake://x" });
  assert.deepEqual(sub.result, {});
  const unsub = await h.request("resources/unsubscribe", { uri: "fake://x" });
  assert.deepEqual(unsub.result, {});
  const badSub = await h.request("resources/subscribe", { uri: 5 });
  assert.equal(badSub.error.code, -32602);
  const ok = await h.request("completion/complete", {
    ref: { type: "ref/prompt", name: "plain" },
    argument: { name: "topic", value: "w" },
  });
  assert.deepEqual(ok.result, {
    completion: { values: [], total: 0, hasMore: false },
  });
  const unknown = await h.request("completion/complete", {
    ref: { type: "ref/prompt", name: "nope" },
    argument: { name: "x", value: "" },
  });
  assert.equal(unknown.error.code, -32602);
  const bad = await h.request("completion/complete", { ref: {} });
  assert.equal(bad.error.code, -32602);
});

Deno.test("cursor helpers round-trip", () => {
  assert.deepEqual(decodeCursor(encodeCursor(50), 100), 50);
  assert.deepEqual(decodeCursor(undefined, 3), 0);
});

Deno.test("tools/call maps results, errors and unknown tools", async () => {
  const h = new Harness();
  await h.init();
  const ok = await h.request("tools/call", {
    name: "echo",
    arguments: { text: "hi" },
  });
  assert.deepEqual(ok.result, {
    content: [{ type: "text", text: "hi" }],
    isError: false,
  });
  assert.deepEqual(h.agent.calls[0].options?.limits, { stepLimit: 1000 });
  const failed = await h.request("tools/call", { name: "fail" });
  assert.deepEqual(failed.result.isError, true);
  assert.deepEqual(failed.result.content[0].text, "it failed");
  const unknown = await h.request("tools/call", { name: "nope" });
  assert.deepEqual(unknown.error.code, -32602);
  const noName = await h.request("tools/call", {});
  assert.deepEqual(noName.error.code, -32602);
  const badArgs = await h.request("tools/call", {
    name: "echo",
    arguments: [1],
  });
  assert.deepEqual(badArgs.error.code, -32602);
  const missing = await h.request("tools/call", {
    name: "echo",
    arguments: {},
  });
  assert.deepEqual(missing.result.isError, true);
  assert.match(
    missing.result.content[0].text,
    /missing required property "text"/,
  );
  const wrongType = await h.request("tools/call", {
    name: "echo",
    arguments: { text: 5 },
  });
  assert.match(wrongType.result.content[0].text, /must be of type string/);
  const thrown = await h.request("tools/call", { name: "throws" });
  assert.deepEqual(thrown.error.code, -32603);
  assert.deepEqual(thrown.error.message, "internal error: boom second line");
  assert(
    h.logs.some((l) =>
      /^\[porta\] tool=echo steps=10 memory=1 ok duration=5000ms$/.test(l)
    ),
  );
  assert(h.logs.some((l) => /^\[porta\] tool=fail .* error /.test(l)));
  // a stopped guest reporting 0 ms still gets the duration the server saw
  await h.request("tools/call", { name: "stopped" });
  const stopped = h.logs.find((l) => l.startsWith("[porta] tool=stopped "));
  const ms = Number(/duration=([\d.]+)ms/.exec(stopped ?? "")?.[1]);
  assert(ms >= 39, `duration of a 40 ms call: ${stopped}`);
  assert.deepEqual(h.server.stats.calls, 4);
  assert.deepEqual(h.server.stats.errors, 3);
  assert.match(h.server.summary(), /calls=4 errors=3 cancelled=0 steps=30/);
});

Deno.test("cancellation: the running call is aborted and gets no response", async () => {
  const h = new Harness();
  await h.init();
  h.send({
    jsonrpc: "2.0",
    id: "c1",
    method: "tools/call",
    params: { name: "hang" },
  });
  assert.deepEqual(h.server.inFlight, 1);
  await h.until(() => h.agent.calls.some((c) => c.name === "hang"));
  h.send({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: "c1", reason: "user" },
  });
  await h.server.idle();
  assert.deepEqual(h.sent.filter((m) => m.id === "c1").length, 0);
  assert.deepEqual(h.server.inFlight, 0);
  assert.deepEqual(h.agent.calls.at(-1)?.options?.signal?.aborted, true);
  assert.deepEqual(h.server.stats.cancelled, 1);
});

Deno.test("ping is answered while a call is running", async () => {
  const h = new Harness();
  await h.init();
  h.send({
    jsonrpc: "2.0",
    id: "long",
    method: "tools/call",
    params: { name: "hang" },
  });
  h.send({ jsonrpc: "2.0", id: "p", method: "ping" });
  await h.until(() => h.sent.some((m) => m.id === "p"));
  assert.deepEqual(h.sent.filter((m) => m.id === "p").length, 1);
  assert.deepEqual(h.server.inFlight, 1, "the call is still running");
  h.server.cancelAll();
  await h.server.idle();
  assert.deepEqual(h.sent.filter((m) => m.id === "long").length, 0);
});

Deno.test("a duplicate in-flight id is refused with an error; the first request still gets its result", async () => {
  const h = new Harness();
  await h.init();
  h.send({
    jsonrpc: "2.0",
    id: 42,
    method: "tools/call",
    params: { name: "slow" },
  });
  h.send({ jsonrpc: "2.0", id: 42, method: "ping" });
  await h.server.idle();
  const answers = h.sent.filter((m) => m.id === 42);
  assert.deepEqual(answers.length, 2);
  assert.deepEqual(answers[0].error, {
    code: -32600,
    message: "duplicate request id 42 (still in flight)",
  });
  assert.deepEqual(answers[1].result.content[0].text, "slow done");
  assert(h.logs.some((l) => l.includes("duplicate")));
  // once answered, the id may be used again
  h.send({ jsonrpc: "2.0", id: 42, method: "ping" });
  await h.server.idle();
  assert.deepEqual(h.sent.filter((m) => m.id === 42).at(-1).result, {});
});

Deno.test("concurrency limit bounds calls running at once", async () => {
  const h = new Harness({ concurrency: 2 });
  await h.init();
  for (let i = 0; i < 6; i++) {
    h.send({
      jsonrpc: "2.0",
      id: 100 + i,
      method: "tools/call",
      params: { name: "slow" },
    });
  }
  await h.server.idle();
  assert.deepEqual(h.agent.maxRunning, 2);
  assert.deepEqual(h.sent.filter((m) => m.id >= 100 && m.result).length, 6);
});

Deno.test("progress notifications at start and end when a token is given", async () => {
  const h = new Harness();
  await h.init();
  const r = await h.request("tools/call", {
    name: "echo",
    arguments: { text: "x" },
    _meta: { progressToken: "tok" },
  });
  const idx = h.sent.indexOf(r);
  const progress = h.sent.filter((m) => m.method === "notifications/progress");
  assert.deepEqual(
    progress.map((m) => [m.params.progressToken, m.params.progress]),
    [
      ["tok", 0],
      ["tok", 1],
      ["tok", 2],
    ],
  );
  assert.deepEqual(progress.map((m) => m.params.total), [2, 2, 2]);
  assert.deepEqual(progress.map((m) => m.params.message), [
    "echo: queued",
    "echo: running",
    "echo: done",
  ]);
  assert(h.sent.indexOf(progress[2]) < idx, "progress precedes the response");
});

Deno.test("logging: guest stderr lines forwarded only when the level includes info", async () => {
  const h = new Harness();
  await h.init();
  await h.request("tools/call", { name: "stderr" });
  assert.deepEqual(
    h.sent.filter((m) => m.method === "notifications/message").length,
    0,
  );
  assert.deepEqual(
    (await h.request("logging/setLevel", { level: "debug" })).result,
    {},
  );
  await h.request("tools/call", { name: "stderr" });
  const msgs = h.sent.filter((m) => m.method === "notifications/message");
  assert.deepEqual(
    msgs.map((m) => [m.params.level, m.params.logger, m.params.data]),
    [
      ["debug", "porta", "stderr: started"],
      ["info", "fake", "line one"],
      ["info", "fake", "line two"],
      ["info", "fake", "partial"],
      ["debug", "porta", "tool=stderr steps=10 memory=1 ok duration=5000ms"],
    ],
  );
  await h.request("logging/setLevel", { level: "warning" });
  await h.request("tools/call", { name: "stderr" });
  await h.request("tools/call", { name: "fail" });
  const after = h.sent.filter((m) => m.method === "notifications/message")
    .slice(5);
  assert.deepEqual(after.map((m) => [m.params.level, m.params.data]), [
    [
      "warning",
      "tool=fail steps=10 memory=1 error duration=5000ms (it failed)",
    ],
  ]);
  const bad = await h.request("logging/setLevel", { level: "loud" });
  assert.deepEqual(bad.error.code, -32602);
});

Deno.test("guest stderr goes to Porta's stderr too, capped per call with one note (QA 13:51)", async () => {
  const h = new Harness();
  await h.init();
  // without a client log level the lines still reach Porta's stderr
  await h.request("tools/call", { name: "stderr" });
  assert.deepEqual(h.logs.filter((l) => l.startsWith("[stderr] ")), [
    "[stderr] line one",
    "[stderr] line two",
    "[stderr] partial",
  ]);
  await h.request("logging/setLevel", { level: "debug" });
  const flood = await h.request("tools/call", { name: "flood" });
  assert.deepEqual(flood.result.content[0].text, "flooded");
  const diag = h.logs.filter((l) => l.startsWith("[flood] "));
  assert.deepEqual(diag.length, MAX_STDERR_LINES);
  assert.deepEqual(diag.at(-1), `[flood] flood ${MAX_STDERR_LINES}`);
  const note =
    "flood: 500 more stderr line(s) dropped (at most 1000 lines or 256 KiB per call)";
  assert(h.logs.includes(`[porta] ${note}`));
  const msgs = h.sent.filter((m) => m.method === "notifications/message");
  assert.deepEqual(
    msgs.filter((m) => m.params.level === "info").length,
    MAX_STDERR_LINES,
  );
  assert(
    msgs.some((m) => m.params.level === "warning" && m.params.data === note),
  );
  // the cap is per call: the next call forwards again
  await h.request("tools/call", { name: "stderr" });
  assert.deepEqual(h.logs.at(-2), "[stderr] partial");
});

Deno.test("resources: list, read, unknown and failing", async () => {
  const h = new Harness();
  await h.init();
  const list = await h.request("resources/list");
  assert.deepEqual(list.result.resources[0], {
    uri: "fake://readme",
    name: "readme",
    mimeType: "text/plain",
  });
  const read = await h.request("resources/read", { uri: "fake://readme" });
  assert.deepEqual(read.result.contents, [{
    uri: "fake://readme",
    mimeType: "text/plain",
    text: "contents of fake://readme",
  }]);
  const missing = await h.request("resources/read", { uri: "fake://nope" });
  assert.deepEqual(missing.error.code, -32002);
  const broken = await h.request("resources/read", { uri: "fake://broken" });
  assert.deepEqual(broken.error.code, -32603);
  assert.match(broken.error.message, /trap: unreachable/);
  const templates = await h.request("resources/templates/list");
  assert.deepEqual(templates.result, { resourceTemplates: [] });
});

Deno.test("prompts: list, get (plain and structured), argument errors", async () => {
  const h = new Harness();
  await h.init();
  const list = await h.request("prompts/list");
  assert.deepEqual(list.result.prompts.map((p: Any) => p.name), [
    "plain",
    "structured",
  ]);
  const plain = await h.request("prompts/get", {
    name: "plain",
    arguments: { topic: "wasm" },
  });
  assert.deepEqual(plain.result.messages, [{
    role: "user",
    content: { type: "text", text: "Write about wasm" },
  }]);
  const s = await h.request("prompts/get", { name: "structured" });
  assert.deepEqual(s.result.description, "from guest");
  assert.deepEqual(s.result.messages[0].content, {
    type: "text",
    text: "hello",
  });
  assert.deepEqual(s.result.messages[1].role, "assistant");
  const missing = await h.request("prompts/get", { name: "plain" });
  assert.deepEqual(missing.error.code, -32602);
  const unknown = await h.request("prompts/get", { name: "nope" });
  assert.deepEqual(unknown.error.code, -32602);
  const nonString = await h.request("prompts/get", {
    name: "plain",
    arguments: { topic: 1 },
  });
  assert.deepEqual(nonString.error.code, -32602);
});

Deno.test("promptResult falls back to one user message on non-conforming JSON", () => {
  assert.deepEqual(
    promptResult('{"messages":[{"role":"system","content":"x"}]}', "d"),
    {
      description: "d",
      messages: [{
        role: "user",
        content: {
          type: "text",
          text: '{"messages":[{"role":"system","content":"x"}]}',
        },
      }],
    },
  );
  assert.deepEqual(promptResult("plain").messages.length, 1);
});

Deno.test("oversized raw input is rejected with -32600 and id null", async () => {
  const h = new Harness();
  h.server.rejectRaw("message too large");
  await h.server.idle();
  assert.deepEqual(h.sent[0], {
    jsonrpc: "2.0",
    id: null,
    error: { code: -32600, message: "message too large" },
  });
});

Deno.test("checkArguments enforces the common JSON Schema keywords (QA 14:06)", () => {
  const schema = {
    type: "object",
    properties: {
      text: { type: "string", enum: ["ab", "ac"], pattern: "^a", minLength: 2 },
      n: { type: "integer", minimum: 0, maximum: 5 },
      x: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      tags: {
        type: "array",
        items: { type: "string", maxLength: 3 },
        maxItems: 2,
      },
      opt: {
        type: "object",
        properties: { mode: { const: "fast" } },
        required: ["mode"],
        additionalProperties: false,
      },
      word: { type: "string", pattern: "^[a-zé]+$", maxLength: 4 },
    },
    required: ["text"],
    additionalProperties: false,
  };
  const bad: [Record<string, unknown>, string][] = [
    [{}, 'missing required property "text"'],
    [{ text: 1 }, 'property "text" must be of type string'],
    [{ text: "b" }, 'property "text" must be one of "ab", "ac"'],
    [{ text: "ab", n: 6 }, 'property "n" must be <= 5'],
    [{ text: "ab", n: -1 }, 'property "n" must be >= 0'],
    [{ text: "ab", n: 1.5 }, 'property "n" must be of type integer'],
    [{ text: "ab", x: 1 }, 'property "x" must be < 1'],
    [{ text: "ab", x: 0 }, 'property "x" must be > 0'],
    [{ text: "ab", z: 1 }, 'property "z" is not allowed'],
    [
      { text: "ab", tags: ["a", "b", "c"] },
      'property "tags" must have at most 2 items',
    ],
    [
      { text: "ab", tags: ["abcd"] },
      'property "tags[0]" must be at most 3 characters long',
    ],
    [{ text: "ab", opt: {} }, 'missing required property "opt.mode"'],
    [
      { text: "ab", opt: { mode: "slow" } },
      'property "opt.mode" must be "fast"',
    ],
    [
      { text: "ab", opt: { mode: "fast", y: 1 } },
      'property "opt.y" is not allowed',
    ],
    [
      { text: "ab", word: "Abc" },
      'property "word" must match the pattern ^[a-zé]+$',
    ],
    [
      { text: "ab", word: "ééééé" },
      'property "word" must be at most 4 characters long',
    ],
  ];
  for (const [args, problem] of bad) {
    assert.equal(checkArguments(schema, args), problem, JSON.stringify(args));
  }
  assert.equal(
    checkArguments(schema, {
      text: "ac",
      n: 5,
      x: 0.5,
      tags: ["a", "bcd"],
      opt: { mode: "fast" },
      word: "éééé",
    }),
    null,
  );
  // keywords it does not know are not checked
  assert.equal(
    checkArguments(
      { type: "object", properties: { a: { format: "email" } } },
      { a: "x" },
    ),
    null,
  );
  // an invalid pattern is the schema's problem: refused when compiled
  assert.throws(
    () =>
      checkArguments(
        { type: "object", properties: { a: { pattern: "(" } } },
        { a: "x" },
      ),
    (e: unknown) =>
      e instanceof SchemaError &&
      e.message.startsWith(
        "inputSchema.properties.a.pattern: invalid regular expression",
      ),
  );
});
