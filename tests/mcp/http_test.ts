/**
 * Streamable HTTP transport (`porta serve --http`) with a fake agent: the
 * session lifecycle, both MCP revisions, every refusal as an HTTP status,
 * streams and resumption, and careless or hostile clients.
 */
import assert from "node:assert/strict";
import { McpServer, ServerShared } from "../../src/mcp/server.ts";
import {
  HttpTransport,
  type HttpTransportOptions,
} from "../../src/mcp/transport/http.ts";
import { FakeAgent } from "./fake_agent.ts";
import { ACCEPT, post, sse } from "./http_helpers.ts";

interface Running {
  url: string;
  transport: HttpTransport;
  agent: FakeAgent;
  close(): Promise<void>;
}

async function start(
  options: Partial<HttpTransportOptions> = {},
  agent = new FakeAgent(),
): Promise<Running> {
  const transport = new HttpTransport({ port: 0, ...options });
  const open = McpServer.factory(agent, {
    version: "test",
    shared: new ServerShared(4),
  });
  const serving = transport.serve(open);
  while (!transport.addr) await new Promise((r) => setTimeout(r, 5));
  return {
    url: `http://127.0.0.1:${transport.addr.port}/mcp`,
    transport,
    agent,
    async close() {
      await transport.close(1000);
      await serving;
    },
  };
}

const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "test", version: "1" },
  },
};

async function session(url: string): Promise<string> {
  const r = await post(url, INIT);
  assert.equal(r.status, 200);
  const sid = r.headers.get("mcp-session-id");
  assert.ok(sid && /^[\x21-\x7e]+$/.test(sid));
  await r.body?.cancel();
  const n = await post(url, {
    jsonrpc: "2.0",
    method: "notifications/initialized",
  }, { "mcp-session-id": sid });
  assert.equal(n.status, 202);
  await n.body?.cancel();
  return sid;
}

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
};

function stateless(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return post(url, {
    jsonrpc: "2.0",
    id: 7,
    method,
    params: { ...params, _meta: { ...META, ...(params._meta ?? {}) } },
  }, {
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": method,
    ...(typeof params.name === "string" ? { "mcp-name": params.name } : {}),
    ...headers,
  });
}

Deno.test("http: initialize, a session, JSON answers, 202 for notifications, DELETE then 404", async () => {
  const s = await start();
  try {
    const sid = await session(s.url);
    const h = { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" };
    const list = await post(s.url, {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/list",
    }, h);
    assert.equal(list.status, 200);
    assert.match(list.headers.get("content-type") ?? "", /application\/json/);
    const body = await list.json();
    assert.ok(body.result.tools.some((t: any) => t.name === "echo"));
    const call = await post(s.url, {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "echo", arguments: { text: "hi" } },
    }, h);
    assert.equal((await call.json()).result.content[0].text, "hi");
    const del = await fetch(s.url, { method: "DELETE", headers: h });
    assert.equal(del.status, 200);
    await del.body?.cancel();
    const after = await post(
      s.url,
      { jsonrpc: "2.0", id: 4, method: "ping" },
      h,
    );
    assert.equal(after.status, 404);
    assert.equal((await after.json()).error.code, -32600);
    assert.equal(s.transport.sessions, 0);
  } finally {
    await s.close();
  }
});

Deno.test("http: refusals are HTTP statuses with JSON-RPC errors, and the server keeps serving", async () => {
  const s = await start({ maxBodyBytes: 1000 });
  try {
    const cases: [string, Promise<Response>, number][] = [
      [
        "no session",
        post(s.url, { jsonrpc: "2.0", id: 1, method: "ping" }),
        400,
      ],
      [
        "unknown session",
        post(s.url, { jsonrpc: "2.0", id: 1, method: "ping" }, {
          "mcp-session-id": "nope",
        }),
        404,
      ],
      ["malformed JSON", post(s.url, "{not json"), 400],
      ["oversized body", post(s.url, "x".repeat(5000)), 413],
      [
        "not JSON",
        fetch(s.url, {
          method: "POST",
          headers: { "content-type": "text/plain", accept: ACCEPT },
          body: "{}",
        }),
        415,
      ],
      [
        "no event-stream in Accept",
        fetch(s.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json",
          },
          body: JSON.stringify(INIT),
        }),
        406,
      ],
      ["PUT", fetch(s.url, { method: "PUT" }), 405],
      ["other path", fetch(s.url.replace("/mcp", "/x")), 404],
      [
        "GET without session",
        fetch(s.url, { headers: { accept: "text/event-stream" } }),
        400,
      ],
      [
        "foreign Origin",
        post(s.url, INIT, { origin: "http://evil.example.com" }),
        403,
      ],
      [
        "unsupported version header on a session",
        post(s.url, { jsonrpc: "2.0", id: 1, method: "ping" }, {
          "mcp-session-id": "x",
          "mcp-protocol-version": "1999-01-01",
        }),
        400,
      ],
    ];
    for (const [what, p, status] of cases) {
      const r = await p;
      assert.equal(r.status, status, what);
      const text = await r.text();
      if (status !== 405 || text !== "") {
        assert.equal(JSON.parse(text).jsonrpc, "2.0", what);
      }
    }
    // a loopback page may talk to it
    const ok = await post(s.url, INIT, { origin: "http://localhost:5173" });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("http: a Host that is not a loopback name is refused (DNS rebinding)", async () => {
  const s = await start();
  try {
    const port = s.transport.addr!.port;
    // fetch cannot forge Host; speak HTTP/1.1 by hand
    const ask = async (host: string) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const body = JSON.stringify(INIT);
      await conn.write(
        new TextEncoder().encode(
          `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: ${ACCEPT}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        ),
      );
      const chunks: Uint8Array[] = [];
      const buf = new Uint8Array(4096);
      let n: number | null;
      while ((n = await conn.read(buf)) !== null) chunks.push(buf.slice(0, n));
      conn.close();
      const text = new TextDecoder().decode(
        new Uint8Array(chunks.flatMap((c) => [...c])),
      );
      return Number(text.split(" ")[1]);
    };
    assert.equal(await ask("evil.example.com"), 403);
    assert.equal(await ask(`evil.example.com:${port}`), 403);
    assert.equal(await ask(`localhost:${port}`), 200);
    assert.equal(await ask(`127.0.0.1:${port}`), 200);
    assert.equal(await ask(`[::1]:${port}`), 200);
  } finally {
    await s.close();
  }
});

Deno.test("http: a bearer token is required when set (401 with WWW-Authenticate)", async () => {
  const s = await start({ authToken: "s3cret-token" });
  try {
    const none = await post(s.url, INIT);
    assert.equal(none.status, 401);
    assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer /);
    await none.body?.cancel();
    const wrong = await post(s.url, INIT, { authorization: "Bearer nope" });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get("www-authenticate") ?? "", /invalid_token/);
    await wrong.body?.cancel();
    const right = await post(s.url, INIT, {
      authorization: "Bearer s3cret-token",
    });
    assert.equal(right.status, 200);
    await right.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("http: session limit (503) and idle expiry (404 afterwards)", async () => {
  const s = await start({ maxSessions: 2, sessionIdleMs: 150 });
  try {
    const a = await session(s.url);
    await session(s.url);
    const third = await post(s.url, INIT);
    assert.equal(third.status, 503);
    assert.ok(third.headers.get("retry-after"));
    await third.body?.cancel();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(s.transport.sessions, 0);
    const gone = await post(s.url, { jsonrpc: "2.0", id: 9, method: "ping" }, {
      "mcp-session-id": a,
    });
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    await session(s.url); // room again
  } finally {
    await s.close();
  }
});

Deno.test("http: progress streams as SSE before the result; Last-Event-ID replays a stream", async () => {
  const s = await start();
  try {
    const sid = await session(s.url);
    const h = { "mcp-session-id": sid };
    const r = await post(s.url, {
      jsonrpc: "2.0",
      id: 5,
      method: "tools/call",
      params: {
        name: "echo",
        arguments: { text: "x" },
        _meta: { progressToken: "p" },
      },
    }, h);
    assert.match(r.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = await sse(r);
    assert.deepEqual(
      events.map((e) => e.data.method ?? "response"),
      [
        "notifications/progress",
        "notifications/progress",
        "notifications/progress",
        "response",
      ],
    );
    assert.equal(events.at(-1)!.data.result.content[0].text, "x");
    // resume after the first event: the rest comes again, then the stream ends
    const again = await fetch(s.url, {
      headers: {
        ...h,
        accept: "text/event-stream",
        "last-event-id": events[0].id!,
      },
    });
    assert.equal(again.status, 200);
    const replay = await sse(again);
    assert.deepEqual(replay.map((e) => e.id), events.slice(1).map((e) => e.id));
    const bad = await fetch(s.url, {
      headers: { ...h, accept: "text/event-stream", "last-event-id": "9/9" },
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("http: one GET stream per session (409), closed by DELETE", async () => {
  const s = await start();
  try {
    const sid = await session(s.url);
    const h = { "mcp-session-id": sid, accept: "text/event-stream" };
    const first = await fetch(s.url, { headers: h });
    assert.equal(first.status, 200);
    const second = await fetch(s.url, { headers: h });
    assert.equal(second.status, 409);
    await second.body?.cancel();
    const del = await fetch(s.url, {
      method: "DELETE",
      headers: { "mcp-session-id": sid },
    });
    assert.equal(del.status, 200);
    await del.body?.cancel();
    assert.equal(await first.text(), ""); // the stream ended
  } finally {
    await s.close();
  }
});

Deno.test("http: a client that disconnects mid-stream does not stop the server", async () => {
  const s = await start();
  try {
    const sid = await session(s.url);
    const ctl = new AbortController();
    const r = await fetch(s.url, {
      method: "POST",
      signal: ctl.signal,
      headers: {
        "content-type": "application/json",
        accept: ACCEPT,
        "mcp-session-id": sid,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 6,
        method: "tools/call",
        params: { name: "slow", arguments: {}, _meta: { progressToken: 1 } },
      }),
    });
    const reader = r.body!.getReader();
    await reader.read(); // the first progress event
    ctl.abort();
    await reader.cancel().catch(() => {});
    // the server still answers this session and others
    const ping = await post(s.url, { jsonrpc: "2.0", id: 8, method: "ping" }, {
      "mcp-session-id": sid,
    });
    assert.equal(ping.status, 200);
    await ping.body?.cancel();
    await session(s.url);
  } finally {
    await s.close();
  }
});

Deno.test("http: 1,000 requests in parallel are all answered (200 or 503), the server stays up", async () => {
  const s = await start({ maxRequests: 500 });
  try {
    const sid = await session(s.url);
    const rs = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        post(s.url, {
          jsonrpc: "2.0",
          id: 100 + i,
          method: "tools/call",
          params: { name: "echo", arguments: { text: `${i}` } },
        }, { "mcp-session-id": sid }).then(async (r) => {
          const body = await r.json();
          return { status: r.status, body };
        })),
    );
    const ok = rs.filter((r) => r.status === 200);
    const busy = rs.filter((r) => r.status === 503);
    assert.equal(ok.length + busy.length, 1000);
    assert.ok(ok.length >= 500, `${ok.length} answered`);
    for (const r of ok) assert.ok(r.body.result, JSON.stringify(r.body));
    assert.equal(s.transport.inFlight, 0);
  } finally {
    await s.close();
  }
});

Deno.test("http: MCP 2026-07-28 is stateless: discover, results typed and cacheable, errors with statuses", async () => {
  const s = await start();
  try {
    const d = await stateless(s.url, "server/discover");
    assert.equal(d.status, 200);
    const disc = (await d.json()).result;
    assert.deepEqual(disc.supportedVersions, ["2026-07-28"]);
    assert.equal(disc.resultType, "complete");
    assert.ok(disc._meta["io.modelcontextprotocol/serverInfo"].name);
    const list = (await (await stateless(s.url, "tools/list")).json()).result;
    assert.equal(list.resultType, "complete");
    assert.ok(Number.isInteger(list.ttlMs) && list.ttlMs >= 0);
    assert.ok(["public", "private"].includes(list.cacheScope));
    const call = await stateless(s.url, "tools/call", {
      name: "echo",
      arguments: { text: "s" },
    });
    const callBody = (await call.json()).result;
    assert.equal(callBody.resultType, "complete");
    assert.equal(callBody.content[0].text, "s");
    assert.equal(s.transport.sessions, 0, "no session was kept");

    const expect = async (
      r: Promise<Response>,
      status: number,
      code: number,
    ) => {
      const res = await r;
      const body = await res.json();
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(body.error.code, code, JSON.stringify(body));
      assert.equal(body.id, 7);
      return body.error;
    };
    // no _meta at all: -32602
    await expect(
      post(s.url, { jsonrpc: "2.0", id: 7, method: "tools/list", params: {} }, {
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/list",
      }),
      400,
      -32602,
    );
    await expect(
      stateless(s.url, "tools/list", {
        _meta: { "io.modelcontextprotocol/protocolVersion": "v9" },
      }),
      400,
      -32020,
    );
    const unsupported = await expect(
      stateless(s.url, "tools/list", {
        _meta: { "io.modelcontextprotocol/protocolVersion": "v9" },
      }, { "mcp-protocol-version": "v9" }),
      400,
      -32022,
    );
    assert.deepEqual(unsupported.data, {
      supported: ["2026-07-28"],
      requested: "v9",
    });
    for (const m of ["initialize", "ping", "logging/setLevel", "nope/x"]) {
      await expect(stateless(s.url, m), 404, -32601);
    }
    await expect(
      stateless(s.url, "tools/list", {}, { "mcp-method": "prompts/list" }),
      400,
      -32020,
    );
    await expect(
      stateless(s.url, "tools/call", { name: "echo", arguments: {} }, {
        "mcp-name": "other",
      }),
      400,
      -32020,
    );
    const missing = await expect(
      stateless(s.url, "resources/read", { uri: "test://missing" }, {
        "mcp-name": "test://missing",
      }),
      400,
      -32602,
    );
    assert.equal(missing.data.uri, "test://missing");
  } finally {
    await s.close();
  }
});

Deno.test("http: a stateless call whose client goes away is cancelled (nothing could resume it)", async () => {
  const s = await start();
  try {
    const ctl = new AbortController();
    const r = await fetch(s.url, {
      method: "POST",
      signal: ctl.signal,
      headers: {
        "content-type": "application/json",
        accept: ACCEPT,
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "hang",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: {
          name: "hang",
          arguments: {},
          _meta: { ...META, progressToken: "p" },
        },
      }),
    });
    const reader = r.body!.getReader();
    await reader.read(); // the stream is open: progress came first
    const deadline = Date.now() + 5000;
    while (s.agent.running === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(s.agent.running, 1);
    ctl.abort();
    await reader.cancel().catch(() => {});
    while (s.agent.running > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(s.agent.running, 0, "the call was cancelled");
    while (s.transport.inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(s.transport.inFlight, 0);
  } finally {
    await s.close();
  }
});

Deno.test("http: a request the client cancels is closed (204), its call stopped", async () => {
  const s = await start();
  try {
    const sid = await session(s.url);
    const h = { "mcp-session-id": sid };
    const pending = post(s.url, {
      jsonrpc: "2.0",
      id: 42,
      method: "tools/call",
      params: { name: "hang", arguments: {} },
    }, h);
    const deadline = Date.now() + 5000;
    while (s.agent.running === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const cancel = await post(s.url, {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 42, reason: "user" },
    }, h);
    assert.equal(cancel.status, 202);
    await cancel.body?.cancel();
    const r = await pending;
    assert.equal(r.status, 204);
    await r.body?.cancel();
    assert.equal(s.agent.running, 0);
    assert.equal(s.transport.inFlight, 0);
  } finally {
    await s.close();
  }
});
