/**
 * Hostile review of `porta serve --http`: the Streamable HTTP transport,
 * MCP 2026-07-28 stateless requests, input-required results with sealed
 * request state, ABI v2 requests forwarded to clients and resource
 * subscriptions. Every client is taken as hostile or careless, every agent
 * as hostile. Each finding is pinned by a test that failed before its fix;
 * the last tests pin what already held.
 */
import assert from "node:assert/strict";
import {
  type CallOptions,
  type McpAgent,
  type McpManifest,
  McpServer,
  ServerShared,
  type ToolResult,
} from "../../src/mcp/server.ts";
import {
  HttpTransport,
  type HttpTransportOptions,
} from "../../src/mcp/transport/http.ts";
import { FakeAgent, result } from "../mcp/fake_agent.ts";
import { ROOT, startHttpServer } from "../mcp/e2e_helpers.ts";
import { Agent } from "../../src/agent/agent.ts";
import { ACCEPT, post, sse } from "../mcp/http_helpers.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Running {
  url: string;
  port: number;
  transport: HttpTransport;
  /** Sessions opened with {@link Running.session}: deleted before closing. */
  sids: string[];
  session(capabilities?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * Serves `agent` on a free port. Transport and server options are loose
 * records: some of them are the fixes' new options.
 */
async function start(
  agent: McpAgent = new FakeAgent(),
  options: Record<string, unknown> = {},
  serverOptions: Record<string, unknown> = {},
): Promise<Running> {
  const transport = new HttpTransport(
    { port: 0, ...options } as HttpTransportOptions,
  );
  const open = McpServer.factory(agent, {
    version: "test",
    shared: new ServerShared(4),
    ...serverOptions,
  });
  const serving = transport.serve(open);
  while (!transport.addr) await new Promise((r) => setTimeout(r, 5));
  const port = transport.addr.port;
  const url = `http://127.0.0.1:${port}/mcp`;
  const sids: string[] = [];
  return {
    url,
    port,
    transport,
    sids,
    async session(capabilities = {}) {
      const r = await post(url, {
        ...INIT,
        params: { ...INIT.params, capabilities },
      });
      assert.equal(r.status, 200);
      const sid = r.headers.get("mcp-session-id")!;
      await r.body?.cancel();
      sids.push(sid);
      const n = await post(url, {
        jsonrpc: "2.0",
        method: "notifications/initialized",
      }, { "mcp-session-id": sid });
      await n.body?.cancel();
      return sid;
    },
    async close() {
      // whatever a test left running ends with its session, so that
      // closing never waits on it
      for (const sid of sids) {
        await fetch(url, {
          method: "DELETE",
          headers: { "mcp-session-id": sid },
        })
          .then((r) => r.body?.cancel()).catch(() => {});
      }
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
    capabilities: {} as Record<string, unknown>,
    clientInfo: { name: "hostile", version: "1" },
  },
};

/** The JSON-RPC messages of a response, JSON or SSE. */
async function messages(r: Response): Promise<any[]> {
  if (/event-stream/.test(r.headers.get("content-type") ?? "")) {
    return (await sse(r)).map((e) => e.data);
  }
  return [await r.json()];
}

/**
 * One raw HTTP/1.1 exchange (fetch cannot forge Host or lie about a body):
 * the status of the answer, or null when none came within `waitMs`.
 */
async function raw(
  port: number,
  head: string,
  body = "",
  waitMs = 2000,
): Promise<number | null> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(encoder.encode(head + body));
    let text = "";
    const buf = new Uint8Array(4096);
    const deadline = Date.now() + waitMs;
    while (!/^HTTP\/1\.1 \d{3}/.test(text)) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        conn.read(buf),
        new Promise<"late">((r) => timer = setTimeout(() => r("late"), left)),
      ]);
      clearTimeout(timer);
      if (n === "late" || n === null) break;
      text += decoder.decode(buf.subarray(0, n));
    }
    const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
    return m ? Number(m[1]) : null;
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

function rawPost(host: string, body: string, extra = ""): string {
  return `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: ${ACCEPT}\r\nContent-Length: ${
    encoder.encode(body).length
  }\r\nConnection: close\r\n${extra}\r\n`;
}

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {
    elicitation: {},
    sampling: {},
    roots: {},
  },
};

/** A stateless (2026-07-28) request with its headers. */
function stateless(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  id: string | number = 7,
): Promise<Response> {
  return post(url, {
    jsonrpc: "2.0",
    id,
    method,
    params: { ...params, _meta: META },
  }, {
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": method,
    ...(typeof params.name === "string" ? { "mcp-name": params.name } : {}),
  });
}

async function waitUntil(what: string, ok: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * An ABI v2 agent in TypeScript, driving `onRequest`/`onWaiting` as the
 * real Agent does (`src/agent/abi2.ts`): a request whose answer is not
 * known after a microtask is reported as a wait; a rejection other than a
 * refusal ends the call with that value.
 */
class V2Agent implements McpAgent {
  readonly manifest: McpManifest = {
    name: "v2",
    version: "1",
    abi: 2,
    tools: [
      // asks the user to confirm `question` (which a test may change
      // between rounds, as a directory listing may change)
      { name: "confirm", inputSchema: { type: "object" } },
      // asks under the key "__proto__"
      { name: "proto", inputSchema: { type: "object" } },
      // asks the client's model and waits for its answer
      { name: "ask", inputSchema: { type: "object" } },
      // says {uri} changed, {n} times
      { name: "flood", inputSchema: { type: "object" } },
    ],
    resourceTemplates: [{ uriTemplate: "v2://{+path}", name: "any" }],
  };
  question = "delete file-1?";
  running = 0;

  async callTool(
    name: string,
    _args: unknown,
    o?: CallOptions,
  ): Promise<ToolResult> {
    const done = new AbortController();
    this.running++;
    try {
      const request = async (
        method: string,
        params: Record<string, unknown>,
        key?: string,
      ) => {
        const p = Promise.resolve(
          o!.onRequest!(method, params, done.signal, key),
        );
        let settled = false;
        p.then(() => settled = true, () => settled = true);
        await Promise.resolve();
        await Promise.resolve();
        if (!settled) o!.onWaiting?.();
        const abort = new Promise<never>((_, reject) => {
          if (o?.signal?.aborted) reject(o.signal.reason);
          o?.signal?.addEventListener("abort", () => reject(o.signal!.reason));
        });
        return await Promise.race([p, abort]);
      };
      switch (name) {
        case "confirm": {
          const a = await request("elicitation/create", {
            message: this.question,
            requestedSchema: { type: "object", properties: {} },
          }) as { result?: { action?: string } };
          return result(`${this.question} ${a.result?.action}`);
        }
        case "proto": {
          const a = await request("roots/list", {}, "__proto__") as {
            result?: { roots?: unknown[] };
          };
          return result(`roots: ${a.result?.roots?.length}`);
        }
        case "flood": {
          const { uri, n } = _args as { uri: string; n: number };
          for (let i = 0; i < n; i++) o?.onFrame?.({ type: "updated", uri });
          return result("flooded");
        }
        case "ask": {
          const a = await request("sampling/createMessage", {
            messages: [],
            maxTokens: 1,
          });
          return result(JSON.stringify(a), "error" in a);
        }
        default: {
          const e = new Error(`unknown tool ${name}`);
          e.name = "UnknownToolError";
          throw e;
        }
      }
    } finally {
      done.abort();
      this.running--;
    }
  }

  readResource(): Promise<ToolResult> {
    return Promise.resolve(result("r"));
  }

  getPrompt(): Promise<ToolResult> {
    return Promise.resolve(result("p"));
  }
}

// ---------------------------------------------------------------- findings

Deno.test("http review: SIGTERM while a call runs exits 143 after the drain (close() used to crash on Deno's abort)", async () => {
  const server = await startHttpServer(`${ROOT}testdata/agents/abi2.wasm`, [
    "--drain",
    "200ms",
  ]);
  let code: number | undefined;
  try {
    const init = await post(server.url, {
      ...INIT,
      params: { ...INIT.params, capabilities: { sampling: {} } },
    });
    const sid = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    // a call that waits for the client's model: still running at SIGTERM
    const r = await post(server.url, {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "sample", arguments: { prompt: "x" } },
    }, { "mcp-session-id": sid });
    const reader = r.body!.getReader();
    await reader.read(); // the sampling request
    code = await server.stop();
    await reader.cancel().catch(() => {});
  } finally {
    code ??= await server.stop();
  }
  assert.doesNotMatch(server.stderr(), /Uncaught|BadResource/);
  assert.equal(code, 143, server.stderr().slice(-2000));
  assert.match(server.stderr(), /\[porta\] served calls=/);
});

Deno.test("http review: a body that trickles or a Content-Length that lies is cut off (408), the server goes on", async () => {
  const s = await start(new FakeAgent(), { bodyTimeoutMs: 300 });
  try {
    const body = JSON.stringify(INIT);
    // says 100 more bytes than it sends, then waits
    const lying = rawPost("localhost", body).replace(
      /Content-Length: \d+/,
      `Content-Length: ${body.length + 100}`,
    );
    const t0 = Date.now();
    assert.equal(await raw(s.port, lying, body, 3000), 408);
    assert.ok(Date.now() - t0 < 2500);
    const ok = await post(s.url, INIT);
    assert.equal(ok.status, 200);
    s.sids.push(ok.headers.get("mcp-session-id")!);
    await ok.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("http review: bodies being received at once hold a bounded number of bytes (503 past it)", async () => {
  const s = await start(new FakeAgent(), {
    maxBodyBytes: 1000,
    maxPendingBodyBytes: 1500,
    bodyTimeoutMs: 500,
  });
  const conns: Deno.Conn[] = [];
  try {
    // each says 1000 bytes and sends 900: the second goes over 1500
    const head = rawPost("localhost", "x".repeat(1000));
    const first = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    conns.push(first);
    await first.write(encoder.encode(head + "x".repeat(900)));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    assert.equal(await raw(s.port, head, "x".repeat(900), 3000), 503);
    assert.ok(Date.now() - t0 < 400, "refused before the first one timed out");
  } finally {
    for (const c of conns) c.close();
    await s.close();
  }
});

class BigAgent extends FakeAgent {
  override callTool(
    name: string,
    args: unknown,
    o?: CallOptions,
  ): Promise<ToolResult> {
    if (name === "echo") {
      const n = Number((args as { text: string }).text);
      if (Number.isInteger(n)) return Promise.resolve(result("x".repeat(n)));
    }
    return super.callTool(name, args, o);
  }
}

Deno.test("http review: a response larger than maxStreamBytes can be resumed (the replay used to end the stream at once)", async () => {
  const s = await start(new BigAgent(), { maxStreamBytes: 64 * 1024 });
  try {
    const sid = await s.session();
    const r = await post(s.url, {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: {
        name: "echo",
        arguments: { text: "100000" },
        _meta: { progressToken: 1 },
      },
    }, { "mcp-session-id": sid });
    const events = await sse(r);
    assert.equal(
      events.at(-1)?.data?.result?.content?.[0]?.text?.length,
      100000,
    );
    // the connection broke after the first event: the rest comes again
    const again = await fetch(s.url, {
      headers: {
        "mcp-session-id": sid,
        accept: "text/event-stream",
        "last-event-id": events[0].id!,
      },
    });
    assert.equal(again.status, 200);
    const replay = await sse(again);
    // the newest events (at least the response) come again, in order
    const ids = events.map((e) => e.id);
    assert.deepEqual(
      replay.map((e) => e.id),
      ids.slice(ids.length - replay.length),
    );
    assert.equal(
      replay.at(-1)?.data?.result?.content?.[0]?.text?.length,
      100000,
    );
  } finally {
    await s.close();
  }
});

Deno.test("http review: the events kept for resumption are bounded in bytes, not only in number", async () => {
  const s = await start(new BigAgent(), { maxStreamBytes: 64 * 1024 });
  try {
    const sid = await s.session();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await post(s.url, {
        jsonrpc: "2.0",
        id: 10 + i,
        method: "tools/call",
        params: {
          name: "echo",
          arguments: { text: "40000" },
          _meta: { progressToken: i },
        },
      }, { "mcp-session-id": sid });
      const events = await sse(r);
      assert.equal(
        events.at(-1)?.data?.result?.content?.[0]?.text?.length,
        40000,
      );
      ids.push(events[0].id!);
    }
    const resume = (id: string) =>
      fetch(s.url, {
        headers: {
          "mcp-session-id": sid,
          accept: "text/event-stream",
          "last-event-id": id,
        },
      });
    // 4 x 40 kB of responses: the oldest are no longer kept
    const old = await resume(ids[0]);
    assert.equal(old.status, 400);
    await old.body?.cancel();
    const recent = await resume(ids[3]);
    assert.equal(recent.status, 200);
    const replay = await sse(recent);
    assert.equal(
      replay.at(-1)?.data?.result?.content?.[0]?.text?.length,
      40000,
    );
  } finally {
    await s.close();
  }
});

Deno.test("http review: a cancelled request's stream is forgotten once its events are gone", async () => {
  const agent = new FakeAgent();
  const s = await start(agent, { eventHistory: 2 });
  try {
    const sid = await s.session();
    const h = { "mcp-session-id": sid };
    const hang = await post(s.url, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "hang", arguments: {}, _meta: { progressToken: "h" } },
    }, h);
    const reader = hang.body!.getReader();
    await reader.read(); // stream "0" carries its progress
    await waitUntil("the call", () => agent.running === 1);
    // other events push the hanging call's out of the history
    const other = await post(s.url, {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: {
        name: "echo",
        arguments: { text: "e" },
        _meta: { progressToken: "e" },
      },
    }, h);
    await sse(other);
    const cancel = await post(s.url, {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 1 },
    }, h);
    await cancel.body?.cancel();
    while (!(await reader.read()).done) { /* the stream ends */ }
    const resume = await fetch(s.url, {
      headers: { ...h, accept: "text/event-stream", "last-event-id": "0/0" },
    });
    assert.equal(resume.status, 400, "stream 0 is no longer kept");
    await resume.body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("http review: an initialize refused with 503 (requests in flight) leaves no session behind", async () => {
  const agent = new FakeAgent();
  const s = await start(agent, { maxRequests: 1, maxSessions: 4 });
  try {
    const sid = await s.session();
    const h = { "mcp-session-id": sid };
    const hang = post(s.url, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "hang", arguments: {} },
    }, h);
    await waitUntil("the call", () => agent.running === 1);
    const busy = await post(s.url, INIT);
    assert.equal(busy.status, 503);
    await busy.body?.cancel();
    assert.equal(busy.headers.get("mcp-session-id"), null);
    assert.equal(s.transport.sessions, 1);
    const cancel = await post(s.url, {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 1 },
    }, h);
    await cancel.body?.cancel();
    await (await hang).body?.cancel();
  } finally {
    await s.close();
  }
});

Deno.test("http review: a Host with junk after a loopback name (IPv6 literal, port, userinfo) is refused, never a 500", async () => {
  const s = await start();
  try {
    const body = JSON.stringify(INIT);
    for (
      const host of [
        "[::1]evil.com",
        "[::1]:80.evil.com",
        "127.0.0.1:80@evil.com",
        "localhost:80:evil.com",
        "localhost.evil.com",
        "127.0.0.1.nip.io",
      ]
    ) {
      const status = await raw(s.port, rawPost(host, body), body);
      assert.ok(status === 403 || status === 400, `${host}: ${status}`);
    }
  } finally {
    await s.close();
  }
});

class TemplateAgent extends FakeAgent {
  constructor() {
    super();
    this.manifest.resourceTemplates = [
      { uriTemplate: "fake://files/{+path}", name: "file" },
    ];
  }
}

Deno.test("http review: resources/subscribe takes URIs of bounded length only", async () => {
  const s = await start(new TemplateAgent());
  try {
    const sid = await s.session();
    let id = 1;
    const subscribe = async (uri: string) => {
      const r = await post(s.url, {
        jsonrpc: "2.0",
        id: ++id,
        method: "resources/subscribe",
        params: { uri },
      }, { "mcp-session-id": sid });
      return (await r.json()) as { result?: unknown; error?: { code: number } };
    };
    assert.deepEqual((await subscribe("fake://readme")).result, {});
    assert.deepEqual((await subscribe("fake://files/a/b")).result, {});
    // 1000 of these would hold 3 GB per session
    const huge = await subscribe(`fake://files/${"a".repeat(3_000_000)}`);
    assert.equal(huge.error?.code, -32602);
  } finally {
    await s.close();
  }
});

Deno.test("http review: a server-to-client request the client never answers ends (with no call timeout)", async () => {
  const agent = new V2Agent();
  const s = await start(agent, {}, { askTimeoutMs: 300 });
  try {
    const sid = await s.session({ sampling: {} });
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 3000);
    try {
      const r = await post(
        s.url,
        {
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "ask", arguments: {} },
        },
        { "mcp-session-id": sid },
        ctl.signal,
      );
      const got = await messages(r); // the sampling request, then the result
      assert.equal(got[0].method, "sampling/createMessage");
      // the client is told the request is withdrawn
      assert.ok(got.some((m) =>
        m.method === "notifications/cancelled" &&
        m.params.requestId === got[0].id
      ));
      const res = got.at(-1);
      assert.equal(res.id, 2);
      assert.equal(res.result.isError, true);
      assert.match(res.result.content[0].text, /did not answer/);
    } finally {
      clearTimeout(timer);
    }
    assert.equal(s.transport.inFlight, 0);
    assert.equal(agent.running, 0);
  } finally {
    await s.close();
  }
});

Deno.test("http review: an answer in the request state or inputResponses is not reused for a different question", async () => {
  const agent = new V2Agent();
  const s = await start(agent);
  try {
    const call = (extra: Record<string, unknown>) =>
      stateless(s.url, "tools/call", {
        name: "confirm",
        arguments: {},
        ...extra,
      }).then((r) => r.json());
    agent.question = "delete file-1?";
    const r1 = (await call({})).result;
    assert.equal(r1.resultType, "input_required");
    assert.equal(r1.inputRequests.r1.params.message, "delete file-1?");
    // the user accepts deleting file-1; by the retry the agent asks about file-2
    agent.question = "delete file-2?";
    const r2 = (await call({
      requestState: r1.requestState,
      inputResponses: { r1: { action: "accept" } },
    })).result;
    assert.equal(r2.resultType, "input_required", JSON.stringify(r2));
    assert.equal(r2.inputRequests.r1.params.message, "delete file-2?");
    // answered for file-2, it completes
    const r3 = (await call({
      requestState: r2.requestState,
      inputResponses: { r1: { action: "decline" } },
    })).result;
    assert.equal(r3.resultType, "complete");
    assert.equal(r3.content[0].text, "delete file-2? decline");
  } finally {
    await s.close();
  }
});

// --------------------------------------------------------- what held

Deno.test("http review (held): DNS rebinding: Host and Origin forms", async () => {
  const s = await start();
  try {
    const body = JSON.stringify(INIT);
    const port = s.port;
    const status = (host: string | null, extra = "") => {
      const head = rawPost(host ?? "", body, extra);
      return raw(
        port,
        host === null ? head.replace(/Host: \r\n/, "") : head,
        body,
      );
    };
    assert.equal(await status(null), 403, "no Host");
    assert.equal(await status("evil.example.com"), 403);
    assert.equal(await status(`LOCALHOST:${port}`), 200);
    assert.equal(await status(`[::1]:${port}`), 200);
    for (
      const origin of [
        "null",
        "http://localhost.evil.com",
        "http://127.0.0.1.nip.io",
        "file://",
        "http://evil.com#http://localhost",
      ]
    ) {
      assert.equal(
        await status("localhost", `Origin: ${origin}\r\n`),
        403,
        origin,
      );
    }
    assert.equal(
      await status("localhost", "Origin: http://LOCALHOST:5173\r\n"),
      200,
    );
  } finally {
    await s.close();
  }
});

Deno.test("http review (held): with a token, no path, method or preflight reaches MCP without it", async () => {
  const s = await start(new FakeAgent(), { authToken: "t0ken-t0ken" });
  try {
    const base = `http://127.0.0.1:${s.port}`;
    const cases: [string, RequestInit, number][] = [
      ["/mcp?x=1", { method: "POST" }, 401],
      ["/mcp/", { method: "POST" }, 404],
      ["//mcp", { method: "POST" }, 404],
      ["/MCP", { method: "POST" }, 404],
      ["/mcp", { method: "HEAD" }, 401],
      ["/mcp", { method: "GET" }, 401],
      ["/mcp", { method: "DELETE" }, 401],
    ];
    for (const [path, init, want] of cases) {
      const r = await fetch(base + path, {
        ...init,
        headers: { "content-type": "application/json", accept: ACCEPT },
        body: init.method === "POST" ? JSON.stringify(INIT) : undefined,
      });
      assert.equal(r.status, want, `${init.method} ${path}`);
      await r.body?.cancel();
    }
    // a preflight says what may be sent, and nothing else
    const pre = await fetch(`${base}/mcp`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000" },
    });
    assert.equal(pre.status, 204);
    assert.equal(await pre.text(), "");
    assert.equal(s.transport.sessions, 0);
  } finally {
    await s.close();
  }
});

Deno.test("http review (held): foreign response ids, other sessions' streams and duplicate ids do not cross sessions", async () => {
  const agent = new FakeAgent();
  const s = await start(agent);
  try {
    const a = await s.session();
    const b = await s.session();
    // a response to a request never sent: ignored (202)
    const stray = await post(s.url, {
      jsonrpc: "2.0",
      id: "porta-1",
      result: {},
    }, { "mcp-session-id": a });
    assert.equal(stray.status, 202);
    await stray.body?.cancel();
    // the same id in two sessions at once is fine
    const [ra, rb] = await Promise.all([a, b].map((sid) =>
      post(s.url, {
        jsonrpc: "2.0",
        id: 5,
        method: "tools/call",
        params: {
          name: "echo",
          arguments: { text: sid },
          _meta: { progressToken: 1 },
        },
      }, { "mcp-session-id": sid }).then(sse)
    ));
    assert.equal(ra.at(-1)!.data.result.content[0].text, a);
    assert.equal(rb.at(-1)!.data.result.content[0].text, b);
    // b cannot resume a's stream by its event id (each session numbers its own)
    const r = await fetch(s.url, {
      headers: {
        "mcp-session-id": b,
        accept: "text/event-stream",
        "last-event-id": ra[0].id!,
      },
    });
    const replay = await sse(r);
    assert.ok(replay.every((e) => e.data.result?.content?.[0]?.text !== a));
    // absurd sequence numbers resume nothing, and crash nothing
    const big = await fetch(s.url, {
      headers: {
        "mcp-session-id": a,
        accept: "text/event-stream",
        "last-event-id": `0/${"9".repeat(400)}`,
      },
    });
    assert.equal(big.status, 200);
    assert.deepEqual(await sse(big), []);
    assert.equal(s.transport.inFlight, 0);
  } finally {
    await s.close();
  }
});

Deno.test("http review (held): request state is bound to its tool, arguments and key; inputResponses are checked", async () => {
  const s = await start(new V2Agent());
  try {
    const first = (await (await stateless(s.url, "tools/call", {
      name: "confirm",
      arguments: {},
    })).json()).result;
    assert.equal(first.resultType, "input_required");
    const expectError = async (params: Record<string, unknown>, re: RegExp) => {
      const r = await stateless(s.url, "tools/call", params);
      const body = await r.json();
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(body.error.code, -32602);
      assert.match(body.error.message, re);
    };
    // another tool, other arguments, a tampered or foreign state
    await expectError(
      { name: "proto", arguments: {}, requestState: first.requestState },
      /another call/,
    );
    await expectError(
      {
        name: "confirm",
        arguments: { x: 1 },
        requestState: first.requestState,
      },
      /another call/,
    );
    await expectError({
      name: "confirm",
      arguments: {},
      // one character of the MAC changed (the last one may be padding bits)
      requestState: first.requestState.replace(
        /\.(.)/,
        (_: string, c: string) => `.${c === "A" ? "B" : "A"}`,
      ),
    }, /altered|malformed/);
    // an answer of another method's shape, or not an object
    await expectError({
      name: "confirm",
      arguments: {},
      requestState: first.requestState,
      inputResponses: { r1: { role: "assistant", content: {} } },
    }, /elicitation result/);
    await expectError({
      name: "confirm",
      arguments: {},
      inputResponses: [{ action: "accept" }],
    }, /must be an object/);
  } finally {
    await s.close();
  }
});

Deno.test("http review (held): batches, non-UTF-8, stateless requests with a session and stateful ones without", async () => {
  const s = await start();
  try {
    const batch = await post(s.url, [INIT]);
    assert.equal(batch.status, 400);
    await batch.body?.cancel();
    const bad = await fetch(s.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, -32700);
    const sid = await s.session();
    // a stateless request on a session is served statelessly
    const r = await post(s.url, {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/list",
      params: { _meta: META },
    }, {
      "mcp-session-id": sid,
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/list",
    });
    assert.equal((await r.json()).result.resultType, "complete");
    // a stateful request without a session but with _meta: checked as stateless
    const noSession = await post(s.url, {
      jsonrpc: "2.0",
      id: 4,
      method: "tools/list",
      params: {
        _meta: { "io.modelcontextprotocol/protocolVersion": "2025-11-25" },
      },
    });
    assert.equal(noSession.status, 400);
    assert.equal((await noSession.json()).error.code, -32602);
    assert.equal(s.transport.sessions, 1);
    assert.equal(s.transport.inFlight, 0);
  } finally {
    await s.close();
  }
});

Deno.test("http review (held): an input request keyed __proto__ reaches the client and its answer the agent", async () => {
  const s = await start(new V2Agent());
  try {
    const first = (await (await stateless(s.url, "tools/call", {
      name: "proto",
      arguments: {},
    })).json()).result;
    assert.equal(first.resultType, "input_required");
    assert.ok(Object.hasOwn(first.inputRequests, "__proto__"));
    assert.equal(first.inputRequests["__proto__"].method, "roots/list");
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 8,
      method: "tools/call",
      params: {
        name: "proto",
        arguments: {},
        requestState: first.requestState,
        _meta: META,
      },
    }).replace(
      /}}$/,
      `,"inputResponses":{"__proto__":{"roots":[{"uri":"file:///a"}]}}}}`,
    );
    const second = await post(s.url, body, {
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": "proto",
    });
    const done = (await second.json()).result;
    assert.equal(done.resultType, "complete", JSON.stringify(done));
    assert.equal(done.content[0].text, "roots: 1");
  } finally {
    await s.close();
  }
});

Deno.test("http review (held): a GET stream that is never read is cut off past maxStreamBytes, and can be opened again", async () => {
  const s = await start(new V2Agent(), { maxStreamBytes: 64 * 1024 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
  try {
    const sid = await s.session();
    const h = { "mcp-session-id": sid };
    const uri = `v2://${"u".repeat(4000)}`;
    const sub = await post(s.url, {
      jsonrpc: "2.0",
      id: 2,
      method: "resources/subscribe",
      params: { uri },
    }, h);
    assert.deepEqual((await sub.json()).result, {});
    // a GET stream whose reader never reads
    await conn.write(encoder.encode(
      `GET /mcp HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nMcp-Session-Id: ${sid}\r\n\r\n`,
    ));
    await new Promise((r) => setTimeout(r, 50));
    // 4,000 notifications of 4 kB: 16 MB for a reader that reads nothing
    const flood = await post(s.url, {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "flood", arguments: { uri, n: 4000 } },
    }, h);
    assert.equal((await flood.json()).result.content[0].text, "flooded");
    // the stuck stream was dropped: a new one may be opened
    const again = await fetch(s.url, {
      headers: { ...h, accept: "text/event-stream" },
    });
    assert.equal(again.status, 200);
    await again.body?.cancel();
  } finally {
    conn.close();
    await s.close();
  }
});

Deno.test("http review (held): an agent that asks again and again stops at the request cap, over stateless rounds", async () => {
  const agent = await Agent.load(`${ROOT}testdata/agents/abi2.wasm`, {
    limits: { timeoutMs: 5000 },
    poolSize: 1,
  });
  const s = await start(agent);
  try {
    let state: string | undefined;
    let responses: Record<string, unknown> = {};
    let rounds = 0;
    let last: any;
    for (; rounds < 40; rounds++) {
      const r = await stateless(s.url, "tools/call", {
        name: "many_requests",
        arguments: {},
        ...(state ? { requestState: state } : {}),
        inputResponses: responses,
      });
      last = (await r.json()).result;
      if (last.resultType !== "input_required") break;
      state = last.requestState;
      responses = {};
      for (const k of Object.keys(last.inputRequests)) {
        responses[k] = { roots: [] };
      }
    }
    assert.equal(rounds, 16, JSON.stringify(last));
    assert.equal(last.isError, true);
    assert.match(last.content[0].text, /too many requests \(more than 16/);
    assert.equal(s.transport.inFlight, 0);
  } finally {
    await s.close();
    await agent.close();
  }
});

Deno.test("http review (held): inputResponses nested deep or large are served or refused, never a crash", async () => {
  const s = await start(new V2Agent());
  try {
    let deep: unknown = "x";
    for (let i = 0; i < 900; i++) deep = { d: deep };
    const nested = await stateless(s.url, "tools/call", {
      name: "confirm",
      arguments: {},
      inputResponses: { r1: { action: "accept", content: deep } },
    });
    const body = await nested.json();
    assert.equal(body.result.content[0].text, "delete file-1? accept");
    // past the incoming nesting limit: refused as a whole
    let deeper: unknown = "x";
    for (let i = 0; i < 1100; i++) deeper = [deeper];
    const tooDeep = await stateless(s.url, "tools/call", {
      name: "confirm",
      arguments: {},
      inputResponses: { r1: deeper },
    });
    assert.equal(tooDeep.status, 400);
    await tooDeep.body?.cancel();
    const big = await stateless(s.url, "tools/call", {
      name: "confirm",
      arguments: {},
      inputResponses: Object.fromEntries(
        Array.from({ length: 20_000 }, (_, i) => [`k${i}`, { action: "x" }]),
      ),
    });
    assert.equal((await big.json()).result.resultType, "input_required");
    assert.equal(s.transport.inFlight, 0);
  } finally {
    await s.close();
  }
});

// Last: on the code before the fix this crashed the process (an uncaught
// BadResource from Deno's abort), taking the tests after it along.
Deno.test("http review: close() with calls still running (a session's and a stateless one) cancels them and returns", async () => {
  const agent = new FakeAgent();
  const transport = new HttpTransport({ port: 0 });
  const serving = transport.serve(
    McpServer.factory(agent, { version: "test", shared: new ServerShared(4) }),
  );
  while (!transport.addr) await new Promise((r) => setTimeout(r, 5));
  const url = `http://127.0.0.1:${transport.addr.port}/mcp`;
  const init = await post(url, INIT);
  const sid = init.headers.get("mcp-session-id")!;
  await init.body?.cancel();
  const inSession = post(url, {
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: { name: "hang", arguments: {} },
  }, { "mcp-session-id": sid }).then((r) => r.status, () => 0);
  const alone = stateless(url, "tools/call", { name: "hang", arguments: {} })
    .then((r) => r.status, () => 0);
  await waitUntil("both calls", () => agent.running === 2);
  const t0 = Date.now();
  assert.equal(await transport.close(200), false);
  await serving;
  assert.ok(Date.now() - t0 < 2000);
  await waitUntil("the calls to stop", () => agent.running === 0);
  // answered, or cut off: never left hanging
  const statuses = await Promise.all([inSession, alone]);
  assert.ok(statuses.every((x) => [0, 404, 503].includes(x)), `${statuses}`);
});
