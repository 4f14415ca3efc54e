/**
 * Agents' network access in the sandbox layer (`src/sandbox/net*.ts`): the
 * host patterns and address classes of the policy (walls a and b), the
 * gate against servers on 127.0.0.1 started here (allowed, refused,
 * redirects, pinning, secret headers, limits), the pinning proxy's own
 * checks, and wall c: the net worker, asked directly, is refused by Deno
 * for a host outside its permission.
 */
import assert from "node:assert/strict";
import {
  checkUrl,
  classifyAddress,
  denoNetPermissions,
  hostAllowed,
  type HostPattern,
  HostPatternError,
  intersectPatterns,
  isLoopbackName,
  parseHostPattern,
  patternMatches,
  UrlRefused,
} from "../../src/sandbox/net_policy.ts";
import {
  type HostHeaders,
  MAX_REDIRECTS,
  NetFailed,
  NetGate,
  type NetGateOptions,
  NetRefused,
  NetUsage,
} from "../../src/sandbox/net.ts";
import { NetProxy } from "../../src/sandbox/net_proxy.ts";
import { netWorkerPermissions } from "../../src/sandbox/permissions.ts";
import type { NetReply } from "../../src/sandbox/net_worker.ts";

const p = parseHostPattern;

// ---------------------------------------------------------------------------
// a local test server that records what it receives

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface TestServer {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

function serve(
  handler: (req: Request, url: URL) => Response | Promise<Response> = () =>
    new Response("ok"),
): TestServer {
  const seen: Seen[] = [];
  const srv = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      seen.push({
        method: req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      });
      return handler(req, url);
    },
  );
  return {
    port: srv.addr.port,
    seen,
    close: () => srv.shutdown(),
  };
}

const usage = (o: Partial<NetUsage["limits"]> = {}) =>
  new NetUsage({
    maxRequests: 16,
    maxBytes: 1024 * 1024,
    timeoutMs: 10_000,
    ...o,
  });

function gate(o: Partial<NetGateOptions> & { hosts: string[] }): NetGate {
  return new NetGate({
    manifestHosts: o.hosts.map(p),
    operatorHosts: (o.operatorHosts ?? o.hosts.map(p)) as HostPattern[],
    allowPrivateNet: o.allowPrivateNet ?? true,
    ...o,
  });
}

async function refused(
  f: () => Promise<unknown>,
  rule: string,
  re?: RegExp,
): Promise<NetRefused> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof NetRefused, `expected NetRefused, got ${e}`);
    assert.equal(e.rule, rule, e.message);
    if (re) assert.match(e.message, re);
    return e;
  }
  throw new assert.AssertionError({ message: "expected a refusal" });
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

// ---------------------------------------------------------------------------
// policy: patterns, addresses, URLs

Deno.test("net policy: host patterns parse, normalize and refuse what is not a host", () => {
  assert.deepEqual(p("API.Example.com"), {
    text: "api.example.com",
    kind: "exact",
    host: "api.example.com",
  });
  assert.deepEqual(p("*.example.org:8443"), {
    text: "*.example.org:8443",
    kind: "wildcard",
    host: "example.org",
    port: 8443,
  });
  assert.equal(p("example.com.").text, "example.com");
  assert.equal(p("bücher.example").text, "xn--bcher-kva.example");
  assert.equal(p("[0:0::1]:8080").text, "[::1]:8080");
  assert.equal(p("127.0.0.1").text, "127.0.0.1");
  for (
    const bad of [
      "",
      "*",
      "*.",
      "https://api.example.com",
      "api.example.com/path",
      "user@api.example.com",
      "api.*.com",
      "*.*.example.com",
      "api.example.com:0",
      "api.example.com:65536",
      "api.example.com:",
      "*.127.0.0.1",
      "a b",
      "[::1",
    ]
  ) {
    assert.throws(() => p(bad), HostPatternError, bad);
  }
});

Deno.test("net policy: exact, wildcard (not the apex) and ports (default per scheme)", () => {
  const exact = p("api.example.com");
  assert.ok(patternMatches(exact, "api.example.com", 443, "https:"));
  assert.ok(patternMatches(exact, "api.example.com", 80, "http:"));
  assert.ok(!patternMatches(exact, "api.example.com", 8443, "https:"));
  assert.ok(!patternMatches(exact, "api.example.com", 443, "http:"));
  assert.ok(!patternMatches(exact, "x.api.example.com", 443, "https:"));
  const wild = p("*.example.org");
  assert.ok(patternMatches(wild, "a.example.org", 443, "https:"));
  assert.ok(patternMatches(wild, "a.b.example.org", 443, "https:"));
  assert.ok(!patternMatches(wild, "example.org", 443, "https:"));
  assert.ok(!patternMatches(wild, "badexample.org", 443, "https:"));
  const port = p("localhost:8080");
  assert.ok(patternMatches(port, "localhost", 8080, "http:"));
  assert.ok(patternMatches(port, "localhost", 8080, "https:"));
  assert.ok(!patternMatches(port, "localhost", 80, "http:"));
  // both lists must allow the host
  const m = [p("api.example.com"), p("*.example.org")];
  const o = [p("*.example.com"), p("cdn.example.org")];
  assert.ok(hostAllowed(m, o, "api.example.com", 443, "https:"));
  assert.ok(hostAllowed(m, o, "cdn.example.org", 443, "https:"));
  assert.ok(!hostAllowed(m, o, "www.example.org", 443, "https:"));
  assert.ok(!hostAllowed(m, o, "www.example.com", 443, "https:"));
});

Deno.test("net policy: the intersection of two lists, and Deno's permission entries", () => {
  const m = [
    p("api.example.com"),
    p("*.example.org"),
    p("localhost:8080"),
    p("*.cdn.net"),
  ];
  const o = [
    p("*.example.com"),
    p("a.example.org"),
    p("*.b.example.org"),
    p("localhost:9090"),
    p("*.x.cdn.net:443"),
  ];
  assert.deepEqual(intersectPatterns(m, o).map((x) => x.text), [
    "api.example.com",
    "a.example.org",
    "*.b.example.org",
    "*.x.cdn.net:443",
  ]);
  assert.deepEqual(
    denoNetPermissions(intersectPatterns(m, o)),
    [
      "api.example.com:80",
      "api.example.com:443",
      "a.example.org:80",
      "a.example.org:443",
      "*.b.example.org:80",
      "*.b.example.org:443",
      "*.x.cdn.net:443",
    ],
  );
  assert.deepEqual(intersectPatterns([p("a.com")], [p("a.com:8080")]), []);
});

Deno.test("net policy: address classes, embedded IPv4 forms and cloud metadata", () => {
  const kinds: [string, string][] = [
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["2606:4700:4700::1111", "public"],
    ["::ffff:8.8.8.8", "public"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["169.254.1.1", "link-local"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["224.0.0.1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "documentation"],
    ["198.18.0.1", "benchmarking"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique local"],
    ["fd12:3456::1", "unique local"],
    ["ff02::1", "multicast"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::127.0.0.1", "reserved"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::8.8.8.8", "public"],
    ["2002:0a00:0001::1", "private"],
    ["2001:db8::1", "documentation"],
    ["2001:0::1", "reserved"],
    ["4000::1", "reserved"],
    ["169.254.169.254", "cloud metadata"],
    ["::ffff:169.254.169.254", "cloud metadata"],
    ["fd00:ec2::254", "cloud metadata"],
    ["100.100.100.200", "cloud metadata"],
    ["192.0.0.192", "cloud metadata"],
    ["not an address", "invalid"],
  ];
  for (const [a, kind] of kinds) {
    const c = classifyAddress(a);
    assert.equal(c.kind, kind, a);
    assert.equal(c.public, kind === "public", a);
    assert.equal(c.metadata, kind === "cloud metadata", a);
  }
  assert.ok(isLoopbackName("localhost"));
  assert.ok(isLoopbackName("a.localhost"));
  assert.ok(isLoopbackName("127.0.0.2"));
  assert.ok(isLoopbackName("[::1]"));
  assert.ok(!isLoopbackName("localhost.example.com"));
});

Deno.test("net policy: URLs: http and https only, no user information, normalized", () => {
  const c = checkUrl("HTTPS://API.example.com.:443/a?b=1#frag");
  assert.equal(c.url.href, "https://api.example.com/a?b=1");
  assert.equal(c.display, "api.example.com");
  assert.equal(checkUrl("http://0x7f.1:8080/").display, "127.0.0.1:8080");
  assert.equal(
    checkUrl("/x", new URL("http://a.test/y")).url.href,
    "http://a.test/x",
  );
  const rule = (u: string) => {
    try {
      checkUrl(u);
    } catch (e) {
      assert.ok(e instanceof UrlRefused);
      return e.rule;
    }
    return "ok";
  };
  assert.equal(rule("ftp://a.test/"), "scheme");
  assert.equal(rule("file:///etc/passwd"), "scheme");
  assert.equal(rule("data:text/plain,x"), "scheme");
  assert.equal(rule("http://user:pw@a.test/"), "url");
  assert.equal(rule("not a url"), "url");
  assert.equal(rule(`http://a.test/${"x".repeat(9000)}`), "url");
});

// ---------------------------------------------------------------------------
// the gate against local servers

Deno.test("net gate: an allowed host answers; a host not on the list is refused before any connection", async () => {
  const s = serve((_r, u) => Response.json({ path: u.pathname }));
  const g = gate({ hosts: [`127.0.0.1:${s.port}`] });
  try {
    const u = usage();
    const r = await g.fetch(
      {
        url: `http://127.0.0.1:${s.port}/hello?x=1`,
        method: "GET",
        headers: [["x-a", "1"]],
      },
      u,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(text(r.body)), { path: "/hello" });
    assert.equal(s.seen[0].headers["x-a"], "1");
    assert.equal(s.seen[0].headers["connection"], "close");
    assert.equal(u.requests, 1);
    assert.deepEqual([...u.hosts], [`127.0.0.1:${s.port}`]);
    // another port of the same host, another host
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port + 1}/`,
          method: "GET",
          headers: [],
        }, u),
      "host",
      new RegExp(
        `net: host "127.0.0.1:${
          s.port + 1
        }" is not allowed \\(allowed: 127.0.0.1:${s.port}\\)`,
      ),
    );
    await refused(
      () => g.fetch({ url: "http://evil.com/", method: "GET", headers: [] }, u),
      "host",
      /host "evil\.com" is not allowed/,
    );
    assert.equal(s.seen.length, 1);
    assert.equal(u.requests, 1);
  } finally {
    g.close();
    await s.close();
  }
});

Deno.test("net gate: the operator's list narrows the manifest's (and says which side refused)", async () => {
  const s = serve();
  const g = gate({
    hosts: [`127.0.0.1:${s.port}`, `localhost:${s.port}`],
    operatorHosts: [p(`localhost:${s.port}`)],
  });
  try {
    assert.deepEqual(g.allowed.map((x) => x.text), [`localhost:${s.port}`]);
    assert.deepEqual(g.denoPermissions, [`localhost:${s.port}`]);
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port}/`,
          method: "GET",
          headers: [],
        }, usage()),
      "host",
      /not allowed by the operator \(--allow-host\)/,
    );
    const r = await g.fetch(
      { url: `http://localhost:${s.port}/`, method: "GET", headers: [] },
      usage(),
    );
    assert.equal(r.status, 200);
    assert.equal(s.seen.length, 1);
  } finally {
    g.close();
    await s.close();
  }
});

Deno.test("net gate: loopback and private addresses are refused without allowPrivateNet, metadata always", async () => {
  const s = serve();
  const resolve = (host: string) =>
    Promise.resolve(
      host === "internal.test"
        ? ["93.184.216.34", "10.0.0.7"]
        : host === "meta.test"
        ? ["169.254.169.254"]
        : ["8.8.8.8"],
    );
  const g = gate({
    hosts: [
      `localhost:${s.port}`,
      `127.0.0.1:${s.port}`,
      "internal.test",
      "meta.test",
      "169.254.169.254",
      "metadata.google.internal",
    ],
    allowPrivateNet: false,
    resolve,
  });
  const open = gate({
    hosts: ["169.254.169.254", "meta.test", "metadata.google.internal"],
    allowPrivateNet: true,
    resolve,
  });
  try {
    const u = usage();
    await refused(
      () =>
        g.fetch({
          url: `http://localhost:${s.port}/`,
          method: "GET",
          headers: [],
        }, u),
      "address",
      /"localhost" resolves to 127\.0\.0\.1, a loopback address \(refused without --allow-private-net\)/,
    );
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port}/`,
          method: "GET",
          headers: [],
        }, u),
      "address",
      /address 127\.0\.0\.1 is a loopback address/,
    );
    // every address must be public: one private address is enough
    await refused(
      () =>
        g.fetch(
          { url: "http://internal.test/", method: "GET", headers: [] },
          u,
        ),
      "address",
      /"internal\.test" resolves to 10\.0\.0\.7, a private address/,
    );
    for (const gg of [g, open]) {
      await refused(
        () =>
          gg.fetch({ url: "http://meta.test/", method: "GET", headers: [] }, u),
        "metadata",
        /cloud metadata address \(always refused\)/,
      );
      await refused(
        () =>
          gg.fetch({
            url: "http://169.254.169.254/latest/meta-data/",
            method: "GET",
            headers: [],
          }, u),
        "metadata",
      );
      await refused(
        () =>
          gg.fetch({
            url: "http://metadata.google.internal/",
            method: "GET",
            headers: [],
          }, u),
        "metadata",
        /cloud metadata service/,
      );
    }
    assert.equal(s.seen.length, 0);
    assert.equal(u.requests, 0);
  } finally {
    g.close();
    open.close();
    await s.close();
  }
});

Deno.test("net gate: the connection goes to the checked address (no second resolution)", async () => {
  const s = serve((req) => new Response(`host=${req.headers.get("host")}`));
  // "pinned.test" exists in no DNS: only the address Porta checked is used
  const g = gate({
    hosts: [`pinned.test:${s.port}`],
    resolve: () => Promise.resolve(["127.0.0.1"]),
  });
  try {
    const r = await g.fetch(
      { url: `http://pinned.test:${s.port}/`, method: "GET", headers: [] },
      usage(),
    );
    assert.equal(text(r.body), `host=pinned.test:${s.port}`);
  } finally {
    g.close();
    await s.close();
  }
});

Deno.test("net gate: redirects are followed and checked at every hop", async () => {
  const other = serve();
  const s = serve((_r, u) => {
    const n = Number(u.searchParams.get("n") ?? "0");
    if (u.pathname === "/away") {
      return Response.redirect(`http://127.0.0.1:${other.port}/stolen`, 302);
    }
    if (u.pathname === "/loop") {
      return Response.redirect(
        `http://localhost:${s.port}/loop?n=${n + 1}`,
        307,
      );
    }
    if (u.pathname === "/see-other") {
      return new Response(null, {
        status: 303,
        headers: { location: "/done" },
      });
    }
    if (u.pathname === "/meta") {
      return Response.redirect("http://169.254.169.254/latest/", 302);
    }
    return new Response(`done ${u.pathname}`);
  });
  const g = gate({ hosts: [`localhost:${s.port}`, "169.254.169.254"] });
  try {
    const u = usage();
    // 303 after POST: GET without the body
    const r = await g.fetch(
      {
        url: `http://localhost:${s.port}/see-other`,
        method: "POST",
        headers: [["content-type", "text/plain"]],
        body: new TextEncoder().encode("payload"),
      },
      u,
    );
    assert.equal(text(r.body), "done /done");
    assert.equal(r.redirects, 1);
    assert.equal(r.url, `http://localhost:${s.port}/done`);
    assert.deepEqual(s.seen.map((x) => [x.method, x.path, x.body]), [
      ["POST", "/see-other", "payload"],
      ["GET", "/done", ""],
    ]);
    assert.equal(s.seen[1].headers["content-type"], undefined);
    // a redirect to a host not on the list: refused, never contacted
    await refused(
      () =>
        g.fetch({
          url: `http://localhost:${s.port}/away`,
          method: "GET",
          headers: [],
        }, u),
      "host",
      new RegExp(
        `redirect to host "127\\.0\\.0\\.1:${other.port}" is not allowed`,
      ),
    );
    await refused(
      () =>
        g.fetch({
          url: `http://localhost:${s.port}/meta`,
          method: "GET",
          headers: [],
        }, u),
      "metadata",
    );
    assert.equal(other.seen.length, 0);
    // at most MAX_REDIRECTS
    const before = s.seen.length;
    await refused(
      () =>
        g.fetch({
          url: `http://localhost:${s.port}/loop`,
          method: "GET",
          headers: [],
        }, u),
      "redirects",
      new RegExp(`more than ${MAX_REDIRECTS} redirects`),
    );
    assert.equal(s.seen.length - before, MAX_REDIRECTS + 1);
  } finally {
    g.close();
    await s.close();
    await other.close();
  }
});

Deno.test("net gate: a secret header goes only to its host, over https or loopback, and never across a redirect", async () => {
  const second = serve((req) =>
    new Response(`auth=${req.headers.get("authorization")}`)
  );
  const first = serve((_r, u) =>
    u.pathname === "/go"
      ? Response.redirect(`http://127.0.0.1:${second.port}/landing`, 302)
      : new Response("first")
  );
  const secretHeaders: HostHeaders[] = [
    {
      pattern: p(`localhost:${first.port}`),
      headers: [["Authorization", "Bearer TOPSECRET"]],
      secret: true,
    },
    {
      pattern: p(`plain.test:${first.port}`),
      headers: [["Authorization", "Bearer TOPSECRET"]],
      secret: true,
    },
  ];
  const g = gate({
    hosts: [
      `localhost:${first.port}`,
      `127.0.0.1:${second.port}`,
      `plain.test:${first.port}`,
    ],
    hostHeaders: secretHeaders,
    resolve: () => Promise.resolve(["127.0.0.1"]),
  });
  try {
    const u = usage();
    // the agent's own Authorization is replaced by the manifest's
    await g.fetch(
      {
        url: `http://localhost:${first.port}/`,
        method: "GET",
        headers: [["authorization", "Bearer guest"]],
      },
      u,
    );
    assert.equal(first.seen[0].headers["authorization"], "Bearer TOPSECRET");
    const r = await g.fetch(
      { url: `http://localhost:${first.port}/go`, method: "GET", headers: [] },
      u,
    );
    assert.equal(text(r.body), "auth=null");
    assert.equal(first.seen[1].headers["authorization"], "Bearer TOPSECRET");
    assert.equal(second.seen.length, 1);
    assert.equal(second.seen[0].headers["authorization"], undefined);
    // an agent's own authorization is dropped across origins too
    await g.fetch(
      {
        url: `http://127.0.0.1:${second.port}/own`,
        method: "GET",
        headers: [["authorization", "Bearer guest"], ["cookie", "a=b"]],
      },
      u,
    );
    assert.equal(second.seen[1].headers["authorization"], "Bearer guest");
    // plain http to a name that is not loopback: the secret stays home
    await refused(
      () =>
        g.fetch({
          url: `http://plain.test:${first.port}/`,
          method: "GET",
          headers: [],
        }, u),
      "https",
      /hold a secret, which is sent over https only/,
    );
    assert.equal(first.seen.length, 2);
  } finally {
    g.close();
    await first.close();
    await second.close();
  }
});

Deno.test("net gate: a body past the byte limit and a slow server past the timeout are refused, quickly", async () => {
  const s = serve((_r, u) => {
    if (u.pathname === "/big") {
      // an endless body: only the limit stops it
      let n = 0;
      const chunk = new Uint8Array(64 * 1024).fill(120);
      return new Response(
        new ReadableStream({
          pull(c) {
            if (n++ < 10_000) c.enqueue(chunk);
            else c.close();
          },
        }),
      );
    }
    if (u.pathname === "/slow") {
      return new Promise((r) =>
        setTimeout(() => r(new Response("late")), 1200)
      );
    }
    return new Response("x".repeat(100));
  });
  const g = gate({ hosts: [`127.0.0.1:${s.port}`] });
  try {
    const u = usage({ maxBytes: 256 * 1024, timeoutMs: 400 });
    let t0 = performance.now();
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port}/big`,
          method: "GET",
          headers: [],
        }, u),
      "bytes",
      /over the limit of 256 KiB per call \(--net-max-bytes\)/,
    );
    assert.ok(u.bytes <= 256 * 1024, String(u.bytes));
    assert.ok(performance.now() - t0 < 3000);
    const u2 = usage({ timeoutMs: 300 });
    t0 = performance.now();
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port}/slow`,
          method: "GET",
          headers: [],
        }, u2),
      "timeout",
      /timeout: the call's network time reached 300 ms \(--net-timeout\)/,
    );
    assert.ok(performance.now() - t0 < 1500);
    // the time is spent for the whole call
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port}/`,
          method: "GET",
          headers: [],
        }, u2),
      "timeout",
    );
    // the gate still works for the next call
    const r = await g.fetch(
      { url: `http://127.0.0.1:${s.port}/`, method: "GET", headers: [] },
      usage(),
    );
    assert.equal(text(r.body), "x".repeat(100));
  } finally {
    g.close();
    await s.close();
  }
});

Deno.test("net gate: request limit (each hop counts), methods, and a call that ends aborts its request", async () => {
  const s = serve((_r, u) =>
    u.pathname === "/r"
      ? Response.redirect(`http://127.0.0.1:${s.port}/end`, 302)
      : u.pathname === "/hang"
      // answers long after the request is abandoned
      ? new Promise((r) => setTimeout(() => r(new Response("late")), 1500))
      : new Response("ok")
  );
  const g = gate({ hosts: [`127.0.0.1:${s.port}`], methods: ["GET"] });
  try {
    const u = usage({ maxRequests: 2 });
    await g.fetch({
      url: `http://127.0.0.1:${s.port}/a`,
      method: "GET",
      headers: [],
    }, u);
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port}/r`,
          method: "GET",
          headers: [],
        }, u),
      "requests",
      /request limit reached: 2 per call \(--net-max-requests/,
    );
    assert.equal(u.requests, 2);
    await refused(
      () =>
        g.fetch({
          url: `http://127.0.0.1:${s.port}/`,
          method: "DELETE",
          headers: [],
        }, usage()),
      "method",
      /method "DELETE" is not allowed \(allowed: GET\)/,
    );
    const abort = new AbortController();
    const t0 = performance.now();
    const hung = g.fetch(
      { url: `http://127.0.0.1:${s.port}/hang`, method: "GET", headers: [] },
      usage(),
      abort.signal,
    );
    setTimeout(() => abort.abort(), 200);
    await assert.rejects(hung, NetFailed);
    assert.ok(performance.now() - t0 < 2000);
  } finally {
    g.close();
    await s.close();
  }
});

Deno.test("net gate: https end to end through the pinning proxy (certificate checked for the URL's host)", async () => {
  const dir = await Deno.makeTempDir();
  // a CA and a certificate for api.test signed by it
  const run = async (args: string[]) =>
    (await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).output().catch(() => undefined))?.success === true;
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    "subjectAltName=DNS:api.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  const made = await run([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=Porta test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ]) &&
    await run([
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "key.pem",
      "-out",
      "leaf.csr",
      "-subj",
      "/CN=api.test",
    ]) &&
    await run([
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "cert.pem",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    ]);
  if (!made) {
    console.log("openssl not available: https test skipped");
    await Deno.remove(dir, { recursive: true });
    return;
  }
  const ca = await Deno.readTextFile(`${dir}/ca.pem`);
  const cert = await Deno.readTextFile(`${dir}/cert.pem`);
  const key = await Deno.readTextFile(`${dir}/key.pem`);
  const srv = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert, key, onListen() {} },
    (req) => new Response(`tls auth=${req.headers.get("authorization")}`),
  );
  const port = srv.addr.port;
  const resolve = () => Promise.resolve(["127.0.0.1"]);
  const headers: HostHeaders[] = [{
    pattern: p(`api.test:${port}`),
    headers: [["authorization", "Bearer TLS-SECRET"]],
    secret: true,
  }];
  const g = gate({
    hosts: [`api.test:${port}`, `other.test:${port}`],
    hostHeaders: headers,
    resolve,
    caCerts: [ca],
  });
  try {
    const r = await g.fetch(
      { url: `https://api.test:${port}/`, method: "GET", headers: [] },
      usage(),
    );
    assert.equal(text(r.body), "tls auth=Bearer TLS-SECRET");
    // the certificate is for api.test, not other.test: TLS fails
    await assert.rejects(
      g.fetch({
        url: `https://other.test:${port}/`,
        method: "GET",
        headers: [],
      }, usage()),
      (e: Error) => e instanceof NetFailed && /other\.test/.test(e.message),
    );
  } finally {
    g.close();
    await srv.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------
// the proxy's own checks

async function rawRequest(port: number, head: string): Promise<string> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await c.write(new TextEncoder().encode(head));
    const buf = new Uint8Array(4096);
    const n = await c.read(buf);
    return n === null ? "" : text(buf.subarray(0, n));
  } finally {
    c.close();
  }
}

Deno.test("net proxy: no credential, a used one, or another host: refused", async () => {
  const s = serve();
  const proxy = NetProxy.start();
  try {
    const port = Number(proxy.hostPort.split(":")[1]);
    const target = `127.0.0.1:${s.port}`;
    assert.match(
      await rawRequest(
        port,
        `CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`,
      ),
      /^HTTP\/1\.1 407 /,
    );
    const a = proxy.admit({
      host: "127.0.0.1",
      port: s.port,
      addresses: ["127.0.0.1"],
    });
    const auth = btoa(`${a.username}:${a.password}`);
    // the credential is for 127.0.0.1:PORT only
    assert.match(
      await rawRequest(
        port,
        `CONNECT 10.0.0.1:80 HTTP/1.1\r\nproxy-authorization: Basic ${auth}\r\n\r\n`,
      ),
      /^HTTP\/1\.1 403 /,
    );
    // and for one connection
    assert.match(
      await rawRequest(
        port,
        `GET http://${target}/ HTTP/1.1\r\nproxy-authorization: Basic ${auth}\r\n\r\n`,
      ),
      /^HTTP\/1\.1 407 /,
    );
    const b = proxy.admit({
      host: "127.0.0.1",
      port: s.port,
      addresses: ["127.0.0.1"],
    });
    b.release();
    assert.match(
      await rawRequest(
        port,
        `GET http://${target}/ HTTP/1.1\r\nproxy-authorization: Basic ${
          btoa(`${b.username}:${b.password}`)
        }\r\n\r\n`,
      ),
      /^HTTP\/1\.1 407 /,
    );
    assert.equal(s.seen.length, 0);
  } finally {
    proxy.close();
    await s.close();
  }
});

// ---------------------------------------------------------------------------
// wall c: the net worker's own Deno permissions

const NET_WORKER = new URL("../../src/sandbox/net_worker.ts", import.meta.url);

function ask(worker: Worker, msg: unknown): Promise<NetReply> {
  return new Promise((resolve) => {
    worker.onmessage = (e) => {
      if (e.data.t !== "ready") resolve(e.data);
    };
    worker.postMessage(msg);
  });
}

Deno.test("net worker (wall c): Deno refuses a host outside its permission, even with valid proxy credentials", async () => {
  const s = serve();
  const proxy = NetProxy.start();
  const workers: Worker[] = [];
  try {
    for (const guard of [true, false]) {
      const worker = new Worker(NET_WORKER, {
        type: "module",
        deno: {
          permissions: netWorkerPermissions([
            `127.0.0.1:${s.port}`,
            proxy.hostPort,
          ]),
        },
      } as WorkerOptions);
      workers.push(worker);
      worker.postMessage({ t: "init", guard });
      // what the policy would refuse, asked directly: Porta's checks skipped
      for (
        const url of [
          `http://localhost:${s.port}/`,
          `http://127.0.0.1:${s.port + 1}/`,
        ]
      ) {
        const host = new URL(url).host;
        const a = proxy.admit({
          host: new URL(url).hostname,
          port: Number(new URL(url).port),
          addresses: ["127.0.0.1"],
        });
        const r = await ask(worker, {
          t: "fetch",
          id: 1,
          url,
          method: "GET",
          headers: [],
          proxy: {
            url: a.proxyUrl,
            username: a.username,
            password: a.password,
          },
          maxBytes: 1024,
          skipRedirectBody: true,
        });
        a.release();
        assert.equal(r.t, "error", JSON.stringify(r));
        if (r.t === "error") {
          assert.equal(r.name, "NotCapable", r.message);
          assert.match(
            r.message,
            new RegExp(
              `Requires net access to "${host.replace(/\./g, "\\.")}"`,
            ),
          );
        }
      }
      // the allowed host passes Deno's check (and the proxy's)
      const a = proxy.admit({
        host: "127.0.0.1",
        port: s.port,
        addresses: ["127.0.0.1"],
      });
      const ok = await ask(worker, {
        t: "fetch",
        id: 2,
        url: `http://127.0.0.1:${s.port}/fine`,
        method: "GET",
        headers: [],
        proxy: { url: a.proxyUrl, username: a.username, password: a.password },
        maxBytes: 1024,
        skipRedirectBody: true,
      });
      a.release();
      assert.equal(ok.t, "response");
    }
    // only the allowed requests reached the server
    assert.deepEqual(s.seen.map((x) => x.path), ["/fine", "/fine"]);
  } finally {
    for (const w of workers) w.terminate();
    proxy.close();
    await s.close();
  }
});

Deno.test("net worker (wall c): its permissions are net for the listed hosts and nothing else", () => {
  assert.deepEqual(
    netWorkerPermissions(["a.test:443", "a.test:443", "127.0.0.1:9"]),
    {
      net: ["a.test:443", "127.0.0.1:9"],
      read: false,
      write: false,
      env: false,
      run: false,
      ffi: false,
      sys: false,
      import: false,
    },
  );
  assert.equal(netWorkerPermissions([]).net, false);
});
