import assert from "node:assert/strict";
import {
  failure,
  parseMessage,
  serialize,
  success,
} from "../../src/mcp/jsonrpc.ts";

Deno.test("parseMessage classifies requests, notifications and responses", () => {
  assert.deepEqual(
    parseMessage('{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":1}}'),
    {
      kind: "request",
      message: { jsonrpc: "2.0", id: 1, method: "m", params: { a: 1 } },
    },
  );
  assert.deepEqual(parseMessage('{"jsonrpc":"2.0","method":"n"}'), {
    kind: "notification",
    message: { jsonrpc: "2.0", method: "n" },
  });
  assert.equal(
    parseMessage('{"jsonrpc":"2.0","id":"x","result":{}}').kind,
    "response",
  );
  assert.equal(
    parseMessage('{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"m"}}')
      .kind,
    "response",
  );
});

Deno.test("parseMessage builds the right error responses", () => {
  const code = (t: string) => {
    const p = parseMessage(t);
    return p.kind === "invalid"
      ? [p.response?.id, p.response?.error.code]
      : p.kind;
  };
  assert.deepEqual(code("nope"), [null, -32700]);
  assert.deepEqual(code(""), [null, -32700]);
  assert.deepEqual(code("[]"), [null, -32600]);
  assert.deepEqual(code('[{"jsonrpc":"2.0","id":1,"method":"ping"}]'), [
    null,
    -32600,
  ]);
  assert.deepEqual(code("42"), [null, -32600]);
  assert.deepEqual(code('{"id":3,"method":"ping"}'), [3, -32600]);
  assert.deepEqual(code('{"jsonrpc":"2.0","id":3,"method":5}'), [3, -32600]);
  assert.deepEqual(code('{"jsonrpc":"2.0","id":{},"method":"ping"}'), [
    null,
    -32600,
  ]);
  assert.deepEqual(code('{"jsonrpc":"2.0","id":4}'), [4, -32600]);
  assert.deepEqual(code('{"jsonrpc":"2.0","id":5,"method":"m","params":"x"}'), [
    5,
    -32600,
  ]);
  // A malformed notification stays unanswered.
  assert.deepEqual(parseMessage('{"jsonrpc":"2.0","method":"m","params":3}'), {
    kind: "invalid",
    response: null,
  });
});

Deno.test("success/failure/serialize produce one NDJSON line", () => {
  assert.equal(
    serialize(success(1, { a: "x\ny" })),
    '{"jsonrpc":"2.0","id":1,"result":{"a":"x\\ny"}}\n',
  );
  assert.deepEqual(failure(null, -32700, "bad"), {
    jsonrpc: "2.0",
    id: null,
    error: { code: -32700, message: "bad" },
  });
  assert.deepEqual(failure(2, -32602, "bad", { x: 1 }).error.data, { x: 1 });
});
