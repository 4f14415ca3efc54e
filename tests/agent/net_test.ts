/**
 * `porta/fetch` through the real `Agent` (`src/agent/net.ts`): the test
 * agent testdata/agents/netprobe.c runs in its sandboxed guest worker and
 * makes requests to servers on 127.0.0.1 started here. Covers the
 * capability check (a guest without `net` never reaches the network), the
 * error answers (the call goes on), the limits and their accounting
 * (`ToolResult.net`, the denial lines), the independence from
 * `maxRequests`, request order, and the secret: absent from the guest's
 * environment, from its whole linear memory after the call (scanned), from
 * its output and from every diagnostic, even when the server echoes it.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./asserts.ts";
import { Agent, AgentError, type ToolResult } from "../../src/agent/agent.ts";
import {
  NET_FAILED,
  NET_INVALID,
  NET_REFUSED,
  type NetOptions,
} from "../../src/agent/net.ts";
import { ManifestError, parseManifest } from "../../src/agent/manifest.ts";
import { resolveGrants } from "../../src/sandbox/capabilities.ts";

const PROBE = new URL("../../testdata/agents/netprobe.wasm", import.meta.url)
  .pathname;
const WEATHER = new URL("../../testdata/agents/weather.wasm", import.meta.url)
  .pathname;
const SECRET = "sk-live-P0RTA-9f8e7d6c5b4a";
const OTHER = "other-secret-in-env-31337";

interface Seen {
  path: string;
  headers: Record<string, string>;
}

function serve(
  handler: (req: Request, url: URL) => Response | Promise<Response> = (
    req,
  ) => Response.json({ echo: Object.fromEntries(req.headers) }),
) {
  const seen: Seen[] = [];
  const srv = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const url = new URL(req.url);
      seen.push({
        path: url.pathname + url.search,
        headers: Object.fromEntries(req.headers),
      });
      return handler(req, url);
    },
  );
  return { port: srv.addr.port, seen, close: () => srv.shutdown() };
}

const TOOLS = [
  { name: "fetch", inputSchema: { type: "object" } },
  { name: "many", inputSchema: { type: "object" } },
  { name: "pipelined", inputSchema: { type: "object" } },
  { name: "dump", inputSchema: { type: "object" } },
];

async function manifestFile(extra: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/netprobe.manifest.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "netprobe",
      version: "0.1.0",
      abi: 2,
      capabilities: ["io", "env", "net"],
      tools: TOOLS,
      ...extra,
    }),
  );
  return path;
}

async function load(
  manifest: Record<string, unknown>,
  net: NetOptions,
  opts: { profile?: string; secrets?: Record<string, string> } = {},
): Promise<Agent> {
  return await Agent.load(PROBE, {
    manifestPath: await manifestFile(manifest),
    profile: opts.profile ?? "full",
    secrets: opts.secrets ?? { API_TOKEN: SECRET, OTHER_TOKEN: OTHER },
    limits: { timeoutMs: 30_000, maxOutputBytes: 16 * 1024 * 1024 },
    net,
  });
}

/** The answer Porta gave the guest (the `fetch` tool's text). */
function answerOf(r: ToolResult): Record<string, any> {
  assert.ok(!r.isError, r.error);
  const v = r.value as { content: { text: string }[] };
  return JSON.parse(v.content[0].text);
}

function bytesOf(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function contains(hay: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + n.length <= hay.length; i++) {
    for (let j = 0; j < n.length; j++) {
      if (hay[i + j] !== n[j]) continue outer;
    }
    return true;
  }
  return false;
}

Deno.test("agent net: an allowed host answers; stats on the result; the secret header is added by Porta", async () => {
  const s = serve();
  const host = `localhost:${s.port}`;
  const agent = await load(
    {
      allowed_hosts: [host],
      headers: { [host]: { Authorization: "Bearer ${secret:API_TOKEN}" } },
    },
    { allowHosts: [host], allowPrivateNet: true },
  );
  try {
    const r = await agent.callTool("fetch", {
      params: {
        url: `http://${host}/v1/x?q=1`,
        headers: { accept: "application/json" },
      },
    });
    const a = answerOf(r);
    assertEquals(a.result.status, 200);
    assertEquals(a.result.url, `http://${host}/v1/x?q=1`);
    assertEquals(a.result.bodyEncoding, "text");
    assertEquals(a.result.headers["content-type"], "application/json");
    // the server got the secret; the guest got it redacted in the echo
    assertEquals(s.seen[0].headers.authorization, `Bearer ${SECRET}`);
    // a value the guest was given (the other secret, in its environment) is
    // sent as the guest wrote it; what comes back to the guest is redacted
    const own = await agent.callTool("fetch", {
      params: { url: `http://${host}/own`, headers: { "x-own": OTHER } },
    });
    assertEquals(s.seen[1].headers["x-own"], OTHER);
    assertEquals(
      JSON.parse(answerOf(own).result.body).echo["x-own"],
      "[REDACTED]",
    );
    const echo = JSON.parse(a.result.body).echo;
    assertEquals(echo.authorization, "Bearer [REDACTED]");
    assertEquals(echo.accept, "application/json");
    const { bytes, ...rest } = r.net!;
    assertEquals(rest, { requests: 1, hosts: [host], refused: 0, failed: 0 });
    // what the server sent (the guest's copy is redacted: another length)
    assert.ok(bytes > 100, String(bytes));
    assertEquals(r.requests, 0);
    assertEquals(r.denials, undefined);
  } finally {
    await agent.close();
    await s.close();
  }
});

Deno.test("agent net: a guest without the net capability never reaches the network", async () => {
  const s = serve();
  const host = `localhost:${s.port}`;
  // the manifest does not ask for net
  const noCap = await Agent.load(PROBE, {
    manifestPath: await manifestFile({ capabilities: ["io"] }),
    profile: "full",
    net: { allowHosts: [host], allowPrivateNet: true },
  });
  // the manifest asks, the operator grants no host (and ai-agent has no net)
  const noGrant = await load(
    { allowed_hosts: [host] },
    {},
    { profile: "ai-agent", secrets: {} },
  );
  try {
    for (const agent of [noCap, noGrant]) {
      assert.ok(!agent.grants.has("net"));
      const lines: string[] = [];
      const r = await agent.callTool(
        "fetch",
        { params: { url: `http://${host}/` } },
        { onDenied: (l) => lines.push(l) },
      );
      const a = answerOf(r);
      assertEquals(a.error.code, NET_REFUSED);
      assertMatch(a.error.message, /does not have the "net" capability/);
      assertEquals(r.net, {
        requests: 0,
        bytes: 0,
        hosts: [],
        refused: 1,
        failed: 0,
      });
      assertEquals(r.deniedSummary, "porta/fetch:net");
      assertEquals(lines.length, 1);
      assertMatch(
        lines[0],
        /^\[porta\] denied: porta\/fetch "http:\/\/localhost:\d+\/": net: the agent does not have/,
      );
      assertEquals(r.denials, lines);
    }
    assertEquals(s.seen.length, 0);
  } finally {
    await noCap.close();
    await noGrant.close();
    await s.close();
  }
});

Deno.test("agent net: refusals are error answers: the call goes on, and the rule is named", async () => {
  const s = serve((_req, u) =>
    u.pathname === "/away"
      ? Response.redirect("http://evil.example/steal", 302)
      : new Response("fine")
  );
  const host = `127.0.0.1:${s.port}`;
  const agent = await load(
    { allowed_hosts: [host, "api.example.com"] },
    { allowHosts: [host, "*.example.com"], allowPrivateNet: true },
  );
  try {
    const lines: string[] = [];
    const r = await agent.callTool(
      "pipelined",
      {
        a: { url: "http://evil.example/x" },
        b: { url: `http://${host}/away` },
      },
      { onDenied: (l) => lines.push(l) },
    );
    assert.ok(!r.isError, r.error);
    const [a, b] = (r.value as { content: { text: string }[] }).content[0].text
      .trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(a.error.code, NET_REFUSED);
    assertMatch(
      a.error.message,
      /^net: host "evil\.example" is not allowed \(allowed: 127\.0\.0\.1:\d+, api\.example\.com\)$/,
    );
    assertMatch(
      b.error.message,
      /redirect to host "evil\.example" is not allowed/,
    );
    assertEquals(r.net?.refused, 2);
    assertEquals(r.net?.requests, 1);
    assertEquals(r.deniedSummary, "porta/fetch:host");
    assertEquals(lines.length, 2);
    // malformed parameters: -32602
    const bad = await agent.callTool("many", {
      n: 3,
      params: { url: `http://${host}/`, header: { a: "b" } },
    });
    const answers = (bad.value as { content: { text: string }[] }).content[0]
      .text.trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(answers.length, 3);
    for (const x of answers) {
      assertEquals(x.error.code, NET_INVALID);
      assertMatch(x.error.message, /unknown parameter "header"/);
    }
    // one line per distinct refusal
    assertEquals(bad.denials?.length, 1);
    assertEquals(bad.net?.refused, 3);
    for (
      const [params, re] of [
        [
          { url: `http://${host}/`, method: "GET", body: "x" },
          /GET request cannot have a body/,
        ],
        [
          { url: `http://${host}/`, headers: { Host: "x" } },
          /header "host" is set by Porta/,
        ],
        [{ url: `ftp://${host}/` }, /scheme "ftp" is not allowed/],
        [{ url: `http://u:p@${host}/` }, /user information/],
        [{
          url: `http://${host}/`,
          method: "POST",
          body: "!!",
          bodyEncoding: "base64",
        }, /not valid base64/],
      ] as const
    ) {
      const x = answerOf(await agent.callTool("fetch", { params }));
      assertMatch(x.error.message, re);
      assert.ok(x.error.code === NET_INVALID || x.error.code === NET_REFUSED);
    }
    // a failure on the network: -32002 (nothing listens there)
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const free = (l.addr as Deno.NetAddr).port;
    l.close();
    const closed = await load(
      { allowed_hosts: [`127.0.0.1:${free}`] },
      { allowHosts: [`127.0.0.1:${free}`], allowPrivateNet: true },
    );
    try {
      const f = await closed.callTool("fetch", {
        params: { url: `http://127.0.0.1:${free}/` },
      });
      const x = answerOf(f);
      assertEquals(x.error.code, NET_FAILED);
      assertMatch(
        x.error.message,
        new RegExp(`cannot connect to 127\\.0\\.0\\.1 port ${free}`),
      );
      assertEquals(f.net?.failed, 1);
      assertEquals(f.net?.requests, 1);
    } finally {
      await closed.close();
    }
  } finally {
    await agent.close();
    await s.close();
  }
});

Deno.test("agent net: limits per call (requests, bytes), not --max-requests; answers in request order", async () => {
  const s = serve((_r, u) =>
    u.pathname === "/big"
      ? new Response("y".repeat(300 * 1024))
      : new Response(`path=${u.pathname}`)
  );
  const host = `127.0.0.1:${s.port}`;
  const agent = await load(
    { allowed_hosts: [host] },
    {
      allowHosts: [host],
      allowPrivateNet: true,
      maxRequests: 3,
      maxBytes: 128 * 1024,
    },
  );
  try {
    // maxRequests: 0 and no onRequest: porta/fetch is not a client request
    const r = await agent.callTool(
      "many",
      { n: 5, params: { url: `http://${host}/n` } },
      { maxRequests: 0 },
    );
    assert.ok(!r.isError, r.error);
    const answers = (r.value as { content: { text: string }[] }).content[0]
      .text.trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(answers.slice(0, 3).map((x) => x.result.body), [
      "path=/n",
      "path=/n",
      "path=/n",
    ]);
    for (const x of answers.slice(3)) {
      assertMatch(
        x.error.message,
        /request limit reached: 3 per call \(--net-max-requests/,
      );
    }
    assertEquals(r.requests, 0);
    assertEquals(r.net?.requests, 3);
    assertEquals(r.net?.refused, 2);
    assertEquals(s.seen.length, 3);
    // the limits are per call: the next call starts afresh
    const p = await agent.callTool("pipelined", {
      a: { url: `http://${host}/first` },
      b: { url: `http://${host}/second` },
    });
    const [a, b] = (p.value as { content: { text: string }[] }).content[0].text
      .trim().split("\n").map((l) => JSON.parse(l));
    assertEquals([a.result.body, b.result.body], [
      "path=/first",
      "path=/second",
    ]);
    const big = await agent.callTool("fetch", {
      params: { url: `http://${host}/big` },
    });
    assertMatch(
      answerOf(big).error.message,
      /over the limit of 128 KiB per call \(--net-max-bytes\)/,
    );
    assertEquals(big.deniedSummary, "porta/fetch:bytes");
  } finally {
    await agent.close();
    await s.close();
  }
});

Deno.test("agent net: binary bodies come back as base64; responseEncoding chooses", async () => {
  const bin = new Uint8Array([0, 255, 1, 254, 0x80, 0x81]);
  const s = serve((_r, u) =>
    u.pathname === "/bin" ? new Response(bin) : new Response("héllo")
  );
  const host = `127.0.0.1:${s.port}`;
  const agent = await load({ allowed_hosts: [host] }, {
    allowHosts: [host],
    allowPrivateNet: true,
  });
  try {
    const auto = answerOf(
      await agent.callTool("fetch", { params: { url: `http://${host}/bin` } }),
    );
    assertEquals(auto.result.bodyEncoding, "base64");
    assertEquals([...bytesOf(auto.result.body)], [...bin]);
    const t = answerOf(
      await agent.callTool("fetch", { params: { url: `http://${host}/t` } }),
    );
    assertEquals([t.result.bodyEncoding, t.result.body], ["text", "héllo"]);
    const b = answerOf(
      await agent.callTool("fetch", {
        params: { url: `http://${host}/t`, responseEncoding: "base64" },
      }),
    );
    assertEquals(b.result.bodyEncoding, "base64");
    assertEquals(new TextDecoder().decode(bytesOf(b.result.body)), "héllo");
    // a POST with a base64 body
    const posted = answerOf(
      await agent.callTool("fetch", {
        params: {
          url: `http://${host}/t`,
          method: "post",
          body: btoa("\u0000\u0001"),
          bodyEncoding: "base64",
        },
      }),
    );
    assertEquals(posted.result.status, 200);
  } finally {
    await agent.close();
    await s.close();
  }
});

Deno.test("agent net: the secret is absent from the guest's memory, environment, output and diagnostics", async () => {
  // the server echoes every request header, the secret's included
  const s = serve((req) =>
    new Response(
      `headers ${JSON.stringify(Object.fromEntries(req.headers))} raw=${
        req.headers.get("authorization")
      }`,
      { headers: { "x-echo": req.headers.get("authorization") ?? "" } },
    )
  );
  const host = `localhost:${s.port}`;
  const agent = await load(
    {
      allowed_hosts: [host],
      headers: { [host]: { Authorization: "Bearer ${secret:API_TOKEN}" } },
    },
    { allowHosts: [host], allowPrivateNet: true },
  );
  try {
    const stderr: string[] = [];
    const denied: string[] = [];
    const r = await agent.callTool(
      "dump",
      { params: { url: `http://${host}/echo` } },
      { onStderr: (t) => stderr.push(t), onDenied: (l) => denied.push(l) },
    );
    assert.ok(!r.isError, r.error);
    // the server did get it
    assertEquals(s.seen[0].headers.authorization, `Bearer ${SECRET}`);
    const sc = (r.value as { structuredContent: Record<string, any> })
      .structuredContent;
    // not in the environment (the other, non-header secret is)
    assertEquals(sc.env, null);
    assert.ok(!agent.grants.has("net") || agent.grants.has("env"));
    // the answer the guest read: redacted wherever the server echoed it
    assertEquals(sc.answer.result.headers["x-echo"], "Bearer [REDACTED]");
    assertMatch(sc.answer.result.body, /raw=Bearer \[REDACTED\]$/);
    // its whole linear memory after the call
    const memory = bytesOf(sc.memory);
    assert.ok(memory.length >= 65536, String(memory.length));
    assert.ok(
      contains(memory, "raw=Bearer [REDACTED]"),
      "the answer is in memory",
    );
    assert.ok(contains(memory, `/echo`));
    for (
      const needle of [SECRET, SECRET.slice(0, 12), JSON.stringify(SECRET)]
    ) {
      assert.ok(!contains(memory, needle), `secret in guest memory: ${needle}`);
    }
    // the scan finds what is there: the other secret, given as env, was loaded
    assert.ok(contains(memory, OTHER), "the environment is in memory");
    // output and diagnostics
    const all = [r.text, r.error ?? "", ...stderr, ...denied, JSON.stringify(r)]
      .join("\n");
    assert.ok(!all.includes(SECRET));
  } finally {
    await agent.close();
    await s.close();
  }
});

Deno.test("agent net: load errors: a missing secret, a bad --allow-host; secrets of headers never reach the env", async () => {
  const host = "api.example.com";
  const manifest = {
    allowed_hosts: [host],
    headers: { [host]: { Authorization: "Bearer ${secret:API_TOKEN}" } },
  };
  await assertRejects(
    () => load(manifest, { allowHosts: [host] }, { secrets: {} }),
    AgentError,
    /manifest headers\["api\.example\.com"\]\["Authorization"\]: secret "API_TOKEN" is not given \(pass --secret API_TOKEN=VALUE\)/,
  );
  await assertRejects(
    () => load(manifest, { allowHosts: ["https://x.com"] }),
    AgentError,
    /--allow-host: invalid host pattern "https:\/\/x\.com"/,
  );
  // without the network the missing secret does not matter
  const closed = await load(manifest, {}, { secrets: {}, profile: "ai-agent" });
  await closed.close();
});

Deno.test("agent net: the example weather agent summarises the API's answer", async () => {
  const s = serve((req, u) =>
    req.headers.get("authorization") === `Bearer ${SECRET}`
      ? Response.json({
        city: u.searchParams.get("city"),
        conditions: "light rain",
        temperature_c: 18.5,
        wind_kph: 12,
      })
      : new Response("unauthorized", { status: 401 })
  );
  const host = `localhost:${s.port}`;
  const dir = await Deno.makeTempDir();
  const path = `${dir}/weather.manifest.json`;
  const m = parseManifest(
    await Deno.readTextFile(
      new URL("../../testdata/agents/weather.manifest.json", import.meta.url),
    ),
  );
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      ...m,
      allowed_hosts: [...m.allowed_hosts!, host],
      headers: { ...m.headers, [host]: m.headers!["api.example.com"] },
    }),
  );
  const agent = await Agent.load(WEATHER, {
    manifestPath: path,
    profile: "full",
    env: { WEATHER_API: `http://${host}` },
    secrets: { WEATHER_TOKEN: SECRET },
    limits: { timeoutMs: 30_000 },
    net: { allowHosts: [host], allowPrivateNet: true },
  });
  try {
    const r = await agent.callTool("forecast", { city: "São Paulo" });
    assert.ok(!r.isError, r.error);
    const v = r.value as {
      content: { text: string }[];
      structuredContent: unknown;
    };
    assertEquals(
      v.content[0].text,
      "São Paulo: light rain, 18.5 °C, wind 12 km/h.",
    );
    assertEquals(v.structuredContent, {
      city: "São Paulo",
      conditions: "light rain",
      temperature_c: 18.5,
      wind_kph: 12,
    });
    assertEquals(s.seen[0].path, "/forecast?city=S%C3%A3o%20Paulo");
    assertEquals(s.seen[0].headers["user-agent"], "porta-weather/0.1");
    assertEquals(r.net?.hosts, [host]);
  } finally {
    await agent.close();
    await s.close();
  }
});

Deno.test("manifest: allowed_hosts, allowed_methods and headers are checked", () => {
  const base = {
    name: "n",
    version: "1",
    abi: 2,
    capabilities: ["io", "net"],
  };
  const m = parseManifest(JSON.stringify({
    ...base,
    allowed_hosts: ["API.example.com", "*.example.org:8443"],
    allowed_methods: ["get", "POST"],
    headers: {
      "api.example.com": {
        Authorization: "Bearer ${secret:TOKEN}",
        "X-Plain": "v",
      },
    },
  }));
  assertEquals(m.allowed_hosts, ["api.example.com", "*.example.org:8443"]);
  assertEquals(m.allowed_methods, ["GET", "POST"]);
  assertEquals(m.headers, {
    "api.example.com": {
      Authorization: "Bearer ${secret:TOKEN}",
      "X-Plain": "v",
    },
  });
  const issues = (v: Record<string, unknown>) => {
    try {
      parseManifest(JSON.stringify(v));
    } catch (e) {
      assert.ok(e instanceof ManifestError);
      return e.issues;
    }
    return [];
  };
  assertEquals(issues({ ...base, abi: 1, allowed_hosts: ["a.com"] }), [
    'allowed_hosts: needs "abi": 2 (agents make requests with porta/fetch request frames)',
  ]);
  assertEquals(
    issues({ ...base, capabilities: ["io"], allowed_hosts: ["a.com"] }),
    [
      'allowed_hosts: needs "net" in capabilities',
    ],
  );
  assertMatch(
    issues({ ...base, allowed_hosts: ["http://a.com"] })[0],
    /^allowed_hosts\[0\]: invalid host pattern/,
  );
  assertMatch(
    issues({ ...base, allowed_hosts: ["a.com", "A.com"] })[0],
    /duplicate host pattern/,
  );
  assertMatch(
    issues({ ...base, allowed_methods: ["TRACE"] })[0],
    /allowed_methods\[0\]: expected one of GET/,
  );
  assertEquals(
    issues({
      ...base,
      allowed_hosts: ["a.com"],
      headers: { "b.com": { X: "y" } },
    }),
    [
      'headers["b.com"]: not one of allowed_hosts (headers are declared per allowed host pattern)',
    ],
  );
  assertMatch(
    issues({
      ...base,
      allowed_hosts: ["a.com"],
      headers: { "a.com": { X: "${env:HOME}" } },
    })[0],
    /^headers\["a\.com"\]\["X"\]: a "\$\{" must start a \$\{secret:NAME\} reference/,
  );
  assertMatch(
    issues({
      ...base,
      allowed_hosts: ["a.com"],
      headers: { "a.com": { Host: "x" } },
    })[0],
    /"host" is set by Porta/,
  );
  assertMatch(
    issues({
      ...base,
      allowed_hosts: ["a.com"],
      headers: { "a.com": { X: "a\nb" } },
    })[0],
    /must not contain CR, LF or NUL/,
  );
  assertMatch(
    issues({ ...base, allowed_host: ["a.com"] })[0],
    /did you mean "allowed_hosts"/,
  );
});

Deno.test("grants: --allow-host grants net (still narrowed by the manifest), nothing else", () => {
  const grant = (
    profile: string | undefined,
    caps: string[] | undefined,
    hosts: boolean,
  ) => [
    ...resolveGrants({
      profile,
      manifestCapabilities: caps,
      operatorGrants: hosts ? ["net"] : [],
    }),
  ];
  assertEquals(grant(undefined, ["io", "net"], false), ["io"]);
  assertEquals(grant(undefined, ["io", "net"], true), ["io", "net"]);
  assertEquals(grant("worker", ["io", "net", "fs"], true), ["io", "net"]);
  assertEquals(grant(undefined, ["io"], true), ["io"]);
  assertEquals(grant(undefined, undefined, true), []);
});
