/** The request rules of MCP 2026-07-28 (`src/mcp/stateless.ts`) and request states. */
import assert from "node:assert/strict";
import {
  checkParamHeaders,
  checkStatelessRequest,
  decodeParamHeader,
  isStatelessRequest,
} from "../../src/mcp/stateless.ts";
import {
  RequestStateCodec,
  RequestStateError,
} from "../../src/mcp/request_state.ts";
import type { JsonRpcRequest } from "../../src/mcp/jsonrpc.ts";

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
};

function req(
  method: string,
  params: Record<string, unknown> = {},
): JsonRpcRequest {
  return { jsonrpc: "2.0", id: 1, method, params: { _meta: META, ...params } };
}

Deno.test("stateless: which requests are stateless", () => {
  assert.ok(isStatelessRequest(req("tools/list")));
  const plain: JsonRpcRequest = { jsonrpc: "2.0", id: 1, method: "ping" };
  assert.ok(!isStatelessRequest(plain));
  assert.ok(!isStatelessRequest(plain, { protocolVersion: "2025-11-25" }));
  assert.ok(isStatelessRequest(plain, { protocolVersion: "2026-07-28" }));
  assert.ok(isStatelessRequest(plain, { protocolVersion: "v999" }));
});

Deno.test("stateless: checks in order: _meta, header match, version, method and name headers", () => {
  const h = (o: Record<string, string>) => ({ headers: new Headers(o) });
  const code = (r: JsonRpcRequest, ctx?: { headers: Headers }) =>
    checkStatelessRequest(r, ctx)?.code ?? 0;
  assert.equal(
    code({ jsonrpc: "2.0", id: 1, method: "x", params: {} }),
    -32602,
  );
  assert.equal(
    code({
      jsonrpc: "2.0",
      id: 1,
      method: "x",
      params: {
        _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" },
      },
    }),
    -32602,
  );
  assert.equal(code(req("tools/list")), 0); // stdio: no headers to check
  const bad = {
    ...META,
    "io.modelcontextprotocol/protocolVersion": "v9",
  };
  const v9 = {
    jsonrpc: "2.0" as const,
    id: 1,
    method: "tools/list",
    params: { _meta: bad },
  };
  // a mismatch is reported before the unsupported version
  assert.equal(
    code(
      v9,
      h({ "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" }),
    ),
    -32020,
  );
  assert.equal(code(v9, h({ "mcp-protocol-version": "v9" })), -32022);
  assert.equal(
    code(req("tools/list"), h({ "mcp-protocol-version": "2026-07-28" })),
    -32020,
  );
  assert.equal(
    code(
      req("tools/list"),
      h({ "mcp-protocol-version": "2026-07-28", "mcp-method": "TOOLS/LIST" }),
    ),
    -32020,
  );
  const call = req("tools/call", { name: "t", arguments: {} });
  const base = {
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
  };
  assert.equal(code(call, h(base)), -32020);
  assert.equal(code(call, h({ ...base, "mcp-name": "  t  " })), 0);
  assert.equal(code(call, h({ ...base, "mcp-name": "u" })), -32020);
});

Deno.test("stateless: Mcp-Param headers mirror x-mcp-header arguments (literal or base64)", () => {
  assert.equal(decodeParamHeader("=?base64?SGVsbG8=?="), "Hello");
  assert.equal(decodeParamHeader("=?base64?SGVsbG8?="), null);
  assert.equal(decodeParamHeader("=?base64?SGVs!!!bG8=?="), null);
  assert.equal(decodeParamHeader("=?base64?/w==?="), null, "not UTF-8");
  assert.equal(decodeParamHeader(" SGVsbG8= "), "SGVsbG8=");
  assert.equal(decodeParamHeader("=?base64?SGVsbG8="), "=?base64?SGVsbG8=");
  const schema = {
    type: "object",
    properties: {
      region: { type: "string", "x-mcp-header": "Region" },
      n: { type: "integer", "x-mcp-header": "N" },
      q: { type: "string" },
    },
  };
  const check = (
    args: Record<string, unknown>,
    headers: Record<string, string>,
  ) => checkParamHeaders(schema, args, new Headers(headers))?.message ?? "ok";
  assert.equal(
    check({ region: "eu", n: 3 }, {
      "mcp-param-region": "eu",
      "mcp-param-n": "3",
    }),
    "ok",
  );
  assert.equal(
    check({ region: "é" }, { "mcp-param-region": "=?base64?w6k=?=" }),
    "ok",
  );
  assert.match(check({ region: "eu" }, {}), /missing Mcp-Param-Region header/);
  assert.match(
    check({ region: "eu" }, { "mcp-param-region": "us" }),
    /does not match/,
  );
  assert.equal(check({ region: null, q: "x" }, {}), "ok");
});

Deno.test("request state: sealed, bound to the call, refused when altered, foreign or expired", async () => {
  let now = 1_000;
  const codec = await RequestStateCodec.create(undefined, 60_000, () => now);
  const call = { method: "tools/call", name: "t", arguments: { a: 1 } };
  const state = await codec.seal(call, { k: { action: "accept" } });
  assert.deepEqual(await codec.open(state, call), { k: { action: "accept" } });
  // key order of the arguments does not matter; their values do
  await codec.open(state, { ...call, arguments: { a: 1 } });
  await assert.rejects(
    codec.open(state, { ...call, arguments: { a: 2 } }),
    /belongs to another call/,
  );
  await assert.rejects(
    codec.open(state + "-TAMPERED", call),
    RequestStateError,
  );
  const [payload, mac] = state.split(".");
  const forged = btoa(
    atob(payload.replace(/-/g, "+").replace(/_/g, "/")).replace(
      "accept",
      "decline",
    ),
  ).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  await assert.rejects(codec.open(`${forged}.${mac}`, call), /altered/);
  const other = await RequestStateCodec.create("k".repeat(32));
  await assert.rejects(other.open(state, call), /altered/);
  now += 60_001;
  await assert.rejects(codec.open(state, call), /expired/);
  await assert.rejects(codec.open(42, call), /must be a string/);
  await assert.rejects(RequestStateCodec.create("short"), RangeError);
});
