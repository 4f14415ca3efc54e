/**
 * Findings of the hostile review of issue #8, each pinned by a test:
 * deeply nested JSON from a guest or a client is never handed to
 * `JSON.parse` on the main thread (V8 took 180-340 ms for a 1 MiB
 * `[[[...]]]`, per call, delaying every ping), and guest stderr reaches MCP
 * log notifications escaped as it reaches Porta's stderr.
 */
import assert from "node:assert/strict";
import { McpServer, richResult } from "../../src/mcp/server.ts";
import type { CallOptions, ToolResult } from "../../src/mcp/server.ts";
import { type JsonRpcMessage, parseMessage } from "../../src/mcp/jsonrpc.ts";
import { decodeResponse } from "../../src/agent/abi.ts";
import { jsonNestingExceeds } from "../../src/agent/json_depth.ts";
import { FakeAgent, result } from "../mcp/fake_agent.ts";
import { shadowedReadOnly } from "../../src/sandbox/permissions.ts";
import { dirWarnings } from "../../src/cli/run.ts";
import { DenialLog } from "../../src/agent/denials.ts";
import { secretRedactor } from "../../src/agent/redact.ts";
import { GuestPool } from "../../src/sandbox/wall.ts";
import { wat } from "../helpers/wat.ts";
import { checkImports } from "../../src/sandbox/policy.ts";

const DEEP = 524_000;
const deepText = (open = "[", close = "]") =>
  '{"a":' + open.repeat(DEEP) + close.repeat(DEEP) + "}";

class ReviewAgent extends FakeAgent {
  constructor() {
    super();
    (this.manifest.tools as { name: string; inputSchema: unknown }[]).push(
      { name: "deep", inputSchema: { type: "object" } },
      { name: "ansi", inputSchema: { type: "object" } },
    );
  }
  override callTool(
    name: string,
    args: unknown,
    o?: CallOptions,
  ): Promise<ToolResult> {
    if (name === "deep") return Promise.resolve(result(deepText()));
    if (name === "ansi") {
      o?.onStderr?.("tok \x1b]0;title\x07 \x1b[2J \u202e rtl \u009b31m\n");
      return Promise.resolve(result("ok"));
    }
    return super.callTool(name, args, o);
  }
}

function server(agent: FakeAgent) {
  const sent: any[] = [];
  const s = new McpServer(agent, { version: "0", log: () => {} });
  s.connect((m: JsonRpcMessage) => {
    sent.push(m);
  });
  let id = 0;
  const request = async (method: string, params?: unknown) => {
    const my = ++id;
    s.receive(JSON.stringify({ jsonrpc: "2.0", id: my, method, params }));
    await s.idle();
    return sent.find((m) => m.id === my);
  };
  return { s, sent, request };
}

Deno.test("review: the nesting pre-check is linear and ignores brackets in strings", () => {
  assert.equal(jsonNestingExceeds('{"a":[1,[2]]}', 2), true);
  assert.equal(jsonNestingExceeds('{"a":[1,[2]]}', 3), false);
  assert.equal(jsonNestingExceeds('{"a":"[[[[\\"[["}', 1), false);
  const t0 = performance.now();
  assert.equal(jsonNestingExceeds(deepText(), 1024), true);
  assert.equal(
    jsonNestingExceeds('{"a":"' + "[".repeat(DEEP) + '"}', 1024),
    false,
  );
  assert.ok(performance.now() - t0 < 100);
});

Deno.test("review: a deeply nested guest envelope is decoded without JSON.parse and keeps its text", () => {
  const inner = "[".repeat(DEEP) + "]".repeat(DEEP);
  const t0 = performance.now();
  const ok = decodeResponse(`{"ok": ${inner}}\n`);
  const err = decodeResponse(`{"err":${inner}}`);
  const raw = decodeResponse(deepText());
  const ms = performance.now() - t0;
  assert.deepEqual([ok.kind, ok.isError, ok.text.length], [
    "ok",
    false,
    2 * DEEP,
  ]);
  assert.deepEqual([err.kind, err.isError], ["err", true]);
  assert.equal(raw.kind, "raw");
  assert.ok(ms < 100, `${ms} ms`);
});

Deno.test("review: a deeply nested client message is refused (-32600) without being parsed", () => {
  const line = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" })
    .replace(
      "}",
      ',"params":{"x":' + "[".repeat(DEEP) + "]".repeat(DEEP) + "}}",
    );
  const t0 = performance.now();
  const r = parseMessage(line);
  const ms = performance.now() - t0;
  assert.equal(r.kind, "invalid");
  assert.equal((r as any).response.error.code, -32600);
  assert.match((r as any).response.error.message, /nested more than 1024/);
  assert.ok(ms < 100, `${ms} ms`);
  // 1,024 levels still parse
  const ok = parseMessage(
    '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":' +
      "[".repeat(1022) + "]".repeat(1022) + "}}",
  );
  assert.equal(ok.kind, "request");
});

Deno.test("review: a tool call returning 1 MiB of nesting is answered as text, quickly", async () => {
  const t0 = performance.now();
  assert.equal(richResult(deepText()), undefined);
  const ms = performance.now() - t0;
  assert.ok(ms < 100, `richResult took ${ms} ms`);
  const { request } = server(new ReviewAgent());
  await request("initialize", {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "t", version: "0" },
  });
  const r = await request("tools/call", { name: "deep", arguments: {} });
  assert.equal(r.result.content[0].type, "text");
  assert.equal(r.result.content[0].text, deepText());
});

Deno.test("review: guest stderr reaches log notifications escaped", async () => {
  const { request, sent } = server(new ReviewAgent());
  await request("initialize", {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "t", version: "0" },
  });
  await request("logging/setLevel", { level: "info" });
  await request("tools/call", { name: "ansi", arguments: {} });
  const data = sent.filter((m) =>
    m.method === "notifications/message" && m.params.level === "info"
  ).map((m) => m.params.data);
  assert.deepEqual(data, [
    "tok \\x1b]0;title\\x07 \\x1b[2J \\u202e rtl \\x9b31m",
  ]);
});

Deno.test("review: a read-only --dir inside a writable one is warned about (it is writable through it)", () => {
  const root = Deno.makeTempDirSync({ prefix: "porta-nest-" });
  try {
    Deno.mkdirSync(`${root}/secret`);
    Deno.mkdirSync(`${root}/other`);
    const real = Deno.realPathSync(root);
    const dirs = [
      { hostPath: root, guestPath: "/w", writable: true },
      { hostPath: `${root}/secret`, guestPath: "/s", writable: false },
      { hostPath: `${root}/other`, guestPath: "/o", writable: false },
      { hostPath: root, guestPath: "/same", writable: false },
    ];
    const pairs = shadowedReadOnly(dirs.map((d) => ({
      ...d,
      hostPath: Deno.realPathSync(d.hostPath),
    })));
    assert.deepEqual(pairs.map(([ro, rw]) => [ro.guestPath, rw.hostPath]), [
      ["/s", real],
      ["/o", real],
      ["/same", real],
    ]);
    const all = new Set(["io", "fs", "fs.write"]);
    assert.deepEqual(dirWarnings(dirs.slice(0, 2), all), [
      "[porta] warning: --dir /s is read-only but lies inside the writable /w: the guest can change it through /w",
    ]);
    // without fs.write nothing is writable: no such warning
    assert.deepEqual(dirWarnings(dirs.slice(1, 3), new Set(["fs"])), []);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("review: denials from the worker are checked, redacted before escaping, and bounded", () => {
  const lines: string[] = [];
  const secret = "/tok\x1bXen\u202e";
  const log = new DenialLog(
    { grants: new Set(["io"]), dirs: [] },
    (r) => lines.push(r.line),
    secretRedactor({ K: secret }),
  );
  // forged fields are dropped, not printed
  log.add(
    { fn: "random_get", reason: "capability", capability: "\x1b]0;x" } as any,
  );
  log.add({ fn: "f" + "x".repeat(10_000), reason: "outside" } as any);
  log.add({ fn: "path_open", reason: "nonsense" } as any);
  assert.deepEqual(lines, []);
  // a secret with control characters is redacted in the raw path
  log.add({ fn: "path_open", reason: "absolute", path: secret });
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\[porta\] denied: path_open "\[REDACTED\]": /);
  // 200,000 distinct unlisted denials: counted, memory bounded
  for (let i = 0; i < 200_000; i++) {
    log.add({ fn: "path_open", reason: "outside", preopen: `/p${i}` });
  }
  assert.equal(lines.length, 20);
  assert.equal(log.more, 200_000 - 19);
});

Deno.test("review: --timeout counts the wait for a busy worker", async () => {
  const spin = await wat(`(module (memory (export "memory") 1)
    (func (export "_start") (loop $l (br $l))))`);
  const pool = await GuestPool.create(spin, {
    grants: new Set(["io"]),
    preopens: [],
    size: 1,
  });
  try {
    const first = pool.run({ args: ["g"], env: {} }, { timeoutMs: 1500 });
    const t0 = performance.now();
    const second = await pool.run({ args: ["g"], env: {} }, {
      timeoutMs: 300,
    });
    const ms = performance.now() - t0;
    assert.equal(second.trap, "timeout after 300 ms");
    assert.ok(ms < 1000, `the queued job waited ${ms} ms`);
    assert.equal((await first).trap, "timeout after 1500 ms");
  } finally {
    await pool.close();
  }
});

Deno.test("review: a function imported twice is refused in one line", () => {
  const imp = {
    module: "wasi_snapshot_preview1",
    name: "random_get",
    kind: "function",
  };
  const denied = checkImports(
    [imp, imp, { ...imp, name: "path_open" }],
    new Set(["io"]),
    {
      strict: true,
    },
  );
  assert.deepEqual(denied.map((d) => d.name), ["random_get", "path_open"]);
});
